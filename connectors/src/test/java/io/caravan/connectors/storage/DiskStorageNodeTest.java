package io.caravan.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStorageNodeTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void should_store_read_ranges_and_delete() throws IOException {
        DiskStorageNode node = new DiskStorageNode("g1-a", "g1", dir);
        byte[] data = bytes(1_000_000);
        assertEquals(data.length, node.write("1-abc.mp3", new ByteArrayInputStream(data)));
        assertEquals(data.length, node.size("1-abc.mp3"));
        assertTrue(Files.isRegularFile(node.pathOf("1-abc.mp3")), "kept as a plain file under the node directory");
        try (InputStream in = node.read("1-abc.mp3", 999_000, 500)) {
            assertArrayEquals(Arrays.copyOfRange(data, 999_000, 999_500), in.readAllBytes());
        }
        assertTrue(node.delete("1-abc.mp3"));
        assertEquals(-1, node.size("1-abc.mp3"));
        assertFalse(node.delete("1-abc.mp3"));
    }

    @Test
    void should_leave_nothing_when_a_write_fails() throws IOException {
        DiskStorageNode node = new DiskStorageNode("g1-a", "g1", dir);
        InputStream failing = new InputStream() {
            int left = 100_000;

            @Override
            public int read() throws IOException {
                if (left-- <= 0) {
                    throw new IOException("client went away");
                }
                return 7;
            }
        };
        assertThrows(IOException.class, () -> node.write("2-def.mp3", failing));
        assertEquals(-1, node.size("2-def.mp3"));
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(0, files.filter(Files::isRegularFile).count(), "no partial file may remain");
        }
    }

    @Test
    void should_keep_each_file_in_the_directory_named_by_its_keys_hash_low_byte_in_hex() {
        DiskStorageNode node = new DiskStorageNode("g1-a", "g1", dir);
        // the layout on disk of every node written so far: two lower-case hex digits, as "%02x" of (hashCode & 0xff)
        for (String key : new String[] {"1-abc.mp3", "7-zz9.mp4", "x", "\u00e9t\u00e9.flac", "1-vjg5q4q0s5c1.mp4.hls-source-media"}) {
            Path expected = dir.resolve(String.format("%02x", key.hashCode() & 0xff)).resolve(key);
            assertEquals(expected, node.pathOf(key), key);
        }
        Set<String> dirs = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 5000; i++) {
            String key = i + "-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36) + ".mp4";
            assertEquals(dir.resolve(String.format("%02x", key.hashCode() & 0xff)).resolve(key), node.pathOf(key), key);
            dirs.add(node.pathOf(key).getParent().getFileName().toString());
        }
        assertEquals(256, dirs.size(), "every low byte, 00 to ff, met");
    }

    @Test
    void should_refuse_keys_that_could_escape_the_directory() {
        DiskStorageNode node = new DiskStorageNode("g1-a", "g1", dir);
        assertThrows(IllegalArgumentException.class, () -> node.pathOf("../x"));
        assertThrows(IllegalArgumentException.class, () -> node.pathOf(".."));
        assertThrows(IllegalArgumentException.class, () -> node.pathOf(""));
    }
}
