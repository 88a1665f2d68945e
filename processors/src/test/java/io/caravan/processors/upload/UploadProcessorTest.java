package io.caravan.processors.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UploadProcessorTest {

    @Test
    void should_keep_only_a_clean_base_name() {
        assertEquals("song.mp3", UploadProcessor.cleanName("../../etc/song.mp3"));
        assertEquals("song.mp3", UploadProcessor.cleanName("C:\\music\\song.mp3"));
        assertEquals("测试音 Tone.mp3", UploadProcessor.cleanName("测试音 Tone.mp3"));
        assertEquals("ab.mp3", UploadProcessor.cleanName("a\u0000b\n.mp3"));
        assertEquals("file", UploadProcessor.cleanName(".."));
        assertEquals("file", UploadProcessor.cleanName(null));
        assertEquals(255, UploadProcessor.cleanName("x".repeat(1000)).length());
    }

    @Test
    void should_find_multipart_parameters() {
        String cd = "form-data; name=\"file\"; filename=\"clip.webm\"";
        assertEquals("file", MultipartUpload.parameter(cd, "name"));
        assertEquals("clip.webm", MultipartUpload.parameter(cd, "filename"));
        assertEquals("XyZ", MultipartUpload.parameter("multipart/form-data; boundary=XyZ", "boundary"));
    }
}
