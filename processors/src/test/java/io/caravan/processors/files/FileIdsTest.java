package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FileIdsTest {

    @Test
    void should_keep_the_extension_and_encode_the_sequence() {
        String id = FileIds.newId(36 * 36, "Song Title.MP3");
        assertTrue(id.startsWith("100-"), id);
        assertTrue(id.endsWith(".mp3"), id);
        assertTrue(FileIds.isValid(id), id);
        assertFalse(id.contains("/"));
    }

    @Test
    void should_carry_at_least_32_random_bits() {
        // 12 base-32 characters = 60 random bits; the same sequence value must still give distinct ids
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(FileIds.newId(42, "a.flac"));
        }
        assertEquals(10_000, ids.size());
        String random = FileIds.newId(42, "x").substring(3);
        assertEquals(12, random.length());
    }

    @Test
    void should_drop_unusable_extensions() {
        assertEquals("", FileIds.extensionOf("noext"));
        assertEquals("", FileIds.extensionOf(".hidden"));
        assertEquals("", FileIds.extensionOf("a.tar/../x"));
        assertEquals("", FileIds.extensionOf("weird.m p3"));
        assertEquals("", FileIds.extensionOf("long.abcdefghijk"));
        assertEquals("webm", FileIds.extensionOf("dir/clip.WebM"));
        assertTrue(FileIds.isValid(FileIds.newId(1, "noext")));
    }

    @Test
    void should_reject_malformed_ids() {
        assertFalse(FileIds.isValid(".."));
        assertFalse(FileIds.isValid("%2e%2e"));
        assertFalse(FileIds.isValid("1-abcdefghjkmn/x"));
        assertFalse(FileIds.isValid("1-abcdefghjkmn\u0000"));
        assertFalse(FileIds.isValid("1-ABCDEFGHJKMN"));
        assertFalse(FileIds.isValid("1-abcdefghjkm"));
        assertFalse(FileIds.isValid("a".repeat(5000)));
        assertFalse(FileIds.isValid(null));
        assertTrue(FileIds.isValid("1-abcdefghjkmn.mp3"));
    }
}
