package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UploadsTest {

    @Test
    void should_keep_only_a_clean_base_name() {
        assertEquals("song.mp3", Uploads.cleanName("../../etc/song.mp3"));
        assertEquals("song.mp3", Uploads.cleanName("C:\\music\\song.mp3"));
        assertEquals("测试音 Tone.mp3", Uploads.cleanName("测试音 Tone.mp3"));
        assertEquals("ab.mp3", Uploads.cleanName("a\u0000b\n.mp3"));
        assertEquals("file", Uploads.cleanName(".."));
        assertEquals("file", Uploads.cleanName(null));
        assertEquals(255, Uploads.cleanName("x".repeat(1000)).length());
    }
}
