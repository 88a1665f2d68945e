package io.caravan.processors.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import io.caravan.processors.support.InvalidInputException;
import org.junit.jupiter.api.Test;

class MultipartUploadTest {

    @Test
    void should_find_multipart_parameters() {
        String cd = "form-data; name=\"file\"; filename=\"clip.webm\"";
        assertEquals("file", MultipartUpload.parameter(cd, "name"));
        assertEquals("clip.webm", MultipartUpload.parameter(cd, "filename"));
        assertEquals("XyZ", MultipartUpload.parameter("multipart/form-data; boundary=XyZ", "boundary"));
    }

    @Test
    void should_stream_the_file_field_after_other_fields() throws Exception {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nignored\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"测试.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n"
                + "ID3 bytes\r\n--XyZ--\r\n";
        MultipartUpload.Part part = MultipartUpload.filePart(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                "multipart/form-data; boundary=XyZ");
        assertEquals("测试.mp3", part.fileName());
        assertEquals("audio/mpeg", part.contentType());
        assertArrayEquals("ID3 bytes".getBytes(StandardCharsets.UTF_8), part.body().readAllBytes());
    }

    @Test
    void should_refuse_a_form_without_a_file_field() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nx\r\n--XyZ--\r\n";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> MultipartUpload.filePart(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "multipart/form-data; boundary=XyZ"));
        assertEquals("multipart upload without a 'file' field", e.getMessage());
        assertThrows(InvalidInputException.class, () -> MultipartUpload.filePart(new ByteArrayInputStream(new byte[0]), "multipart/form-data"));
    }
}
