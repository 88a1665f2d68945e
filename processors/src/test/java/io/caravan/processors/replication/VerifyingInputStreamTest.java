package io.caravan.processors.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {

    private static final byte[] DATA = "the bytes of a song".getBytes(StandardCharsets.UTF_8);

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void should_pass_bytes_that_match() throws Exception {
        try (var in = new VerifyingInputStream(new ByteArrayInputStream(DATA), sha(DATA), DATA.length)) {
            assertArrayEquals(DATA, in.readAllBytes());
        }
    }

    @Test
    void should_fail_at_the_end_on_a_flipped_byte() throws Exception {
        byte[] bad = DATA.clone();
        bad[3] ^= 1;
        var in = new VerifyingInputStream(new ByteArrayInputStream(bad), sha(DATA), DATA.length);
        assertThrows(IOException.class, in::readAllBytes);
    }

    @Test
    void should_fail_on_a_short_or_long_copy() throws Exception {
        var shortIn = new VerifyingInputStream(new ByteArrayInputStream(DATA, 0, 5), sha(DATA), DATA.length);
        assertThrows(IOException.class, shortIn::readAllBytes);
        var longIn = new VerifyingInputStream(new ByteArrayInputStream(DATA), sha(DATA), DATA.length - 1);
        assertThrows(IOException.class, longIn::readAllBytes);
    }
}
