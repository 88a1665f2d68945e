package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ContentSnifferTest {

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void should_name_the_container_the_first_bytes_show() {
        assertEquals("audio/mpeg", ContentSniffer.detect(ascii("ID3\u0004\u0000")));
        assertEquals("audio/mpeg", ContentSniffer.detect(bytes(0xFF, 0xFB, 0x90, 0x64)), "an MPEG-1 layer III frame");
        assertEquals("audio/aac", ContentSniffer.detect(bytes(0xFF, 0xF1, 0x50, 0x80)), "an ADTS frame");
        assertEquals("audio/flac", ContentSniffer.detect(ascii("fLaC\u0000\u0000\u0000\"")));
        assertEquals("audio/wav", ContentSniffer.detect(ascii("RIFF\u0024\u0000\u0000\u0000WAVEfmt ")));
        assertEquals("video/mp4", ContentSniffer.detect(ascii("\u0000\u0000\u0000\u0020ftypisom")));
        assertEquals("video/quicktime", ContentSniffer.detect(ascii("\u0000\u0000\u0000\u0014ftypqt  ")));
        assertEquals("video/webm", ContentSniffer.detect(bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F)));
        assertEquals("image/jpeg", ContentSniffer.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
        assertEquals("image/png", ContentSniffer.detect(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A)));
        assertEquals("application/pdf", ContentSniffer.detect(ascii("%PDF-1.7")));
        assertNull(ContentSniffer.detect(ascii("MZ\u0090\u0000")), "an executable is not a media type we name");
        assertNull(ContentSniffer.detect(new byte[0]));
        assertNull(ContentSniffer.detect(ascii("RIF")), "too short to tell");
    }

    @Test
    void should_keep_the_head_of_a_stream_it_passes_through() throws Exception {
        byte[] flac = ascii("fLaC and then a lot of audio frames that the sniffer does not keep");
        ContentSniffer.Head head = new ContentSniffer.Head(new ByteArrayInputStream(flac));
        int first = head.read();
        byte[] rest = head.readAllBytes();
        assertEquals('f', first);
        assertArrayEquals(java.util.Arrays.copyOfRange(flac, 1, flac.length), rest, "the bytes pass through unchanged");
        assertEquals("audio/flac", head.detected());
    }
}
