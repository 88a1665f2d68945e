package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class UploadCommandTest {

    @Test
    void should_percent_encode_tag_values_to_ascii_that_decodes_back() {
        String value = "测试音 Tone 100% a+b";
        String header = UploadCommand.headerValue(value);

        assertEquals("%E6%B5%8B%E8%AF%95%E9%9F%B3%20Tone%20100%25%20a%2Bb", header);
        assertEquals(value, URLDecoder.decode(header, StandardCharsets.UTF_8));
        assertEquals("plain-ASCII_value.1", UploadCommand.headerValue("plain-ASCII_value.1"));
    }
}
