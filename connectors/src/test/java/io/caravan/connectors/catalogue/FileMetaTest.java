package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FileMetaTest {

    @Test
    void should_ignore_case_and_accents_but_keep_chinese() {
        assertEquals("beyonce", FileMeta.normalize("BEYONCÉ"));
        assertEquals("angstrom", FileMeta.normalize("Ångström"));
        assertEquals("测试音 tone", FileMeta.normalize("测试音 Tone"));
        assertEquals("fi", FileMeta.normalize("ﬁ"), "compatibility forms are decomposed");
    }

    @Test
    void should_search_the_name_and_every_value() {
        String text = FileMeta.searchText("Song.MP3", Map.of("artist", "Sigur Rós", "title", "Hoppípolla"));
        assertTrue(text.contains("song.mp3") && text.contains("sigur ros") && text.contains("hoppipolla"), text);
    }

    @Test
    void should_lower_case_keys_and_refuse_what_breaks_the_rules() {
        assertEquals(Map.of("title", "A"), FileMeta.checked(Map.of("Title", " A ")));
        for (String bad : List.of("", "bad key", "-x", "k".repeat(65), "ä")) {
            assertThrows(IllegalArgumentException.class, () -> FileMeta.key(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> FileMeta.value("k", ""));
        assertThrows(IllegalArgumentException.class, () -> FileMeta.value("k", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> FileMeta.value("k", "v".repeat(FileMeta.MAX_VALUE + 1)));
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= FileMeta.MAX_KEYS; i++) {
            many.put("k" + i, "v");
        }
        assertThrows(IllegalArgumentException.class, () -> FileMeta.checked(many));
    }
}
