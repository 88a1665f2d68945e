package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a derived file stored from a route is named. */
class DerivedFilesTest {

    @Test
    void should_name_a_derived_file_after_its_source_and_kind() {
        assertEquals("Big Clip-poster.jpg", DerivedFiles.derivedName("Big Clip.mp4", "poster", "ffmpeg-123.jpg"));
        assertEquals("Mr. X - Song-audio-128k.m4a", DerivedFiles.derivedName("Mr. X - Song.flac", "audio-128k", "ffmpeg-9.m4a"));
        assertEquals("README-text", DerivedFiles.derivedName("README", "text", "out"));
    }
}
