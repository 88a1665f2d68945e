package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.caravan.processors.support.CaravanException;
import io.caravan.processors.support.ExpiredException;
import io.caravan.processors.support.ForbiddenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UrlSignerTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private final UrlSigner signer = new UrlSigner("a-test-secret-of-enough-length".getBytes(StandardCharsets.UTF_8), true);

    /** The refusal, as the HTTP status its kind gets: 403 forbidden, 410 expired. */
    private int status(String id, String expires, String sig, Instant now) {
        CaravanException e = assertThrows(CaravanException.class, () -> signer.check(id, expires, sig, now));
        return e instanceof ExpiredException ? 410 : e instanceof ForbiddenException ? 403 : 0;
    }

    @Test
    void should_accept_a_valid_signature_until_it_expires() {
        long expires = NOW.getEpochSecond() + 60;
        String sig = signer.sign("1-abcdefghjkmn.mp3", expires);
        assertDoesNotThrow(() -> signer.check("1-abcdefghjkmn.mp3", String.valueOf(expires), sig, NOW));
        assertEquals(410, status("1-abcdefghjkmn.mp3", String.valueOf(expires), sig, NOW.plusSeconds(61)), "replayed after expiry");
        String path = signer.signedPath("1-abcdefghjkmn.mp3", 60, NOW);
        assertEquals("/files/1-abcdefghjkmn.mp3?expires=" + expires + "&sig=" + sig, path);
        assertTrue(sig.matches("[A-Za-z0-9_-]{43}"), "base64url without padding: " + sig);
    }

    @Test
    void should_refuse_forged_missing_and_never_expiring_signatures() {
        long expires = NOW.getEpochSecond() + 60;
        String sig = signer.sign("1-abcdefghjkmn.mp3", expires);
        assertEquals(403, status("2-abcdefghjkmn.mp3", String.valueOf(expires), sig, NOW), "signature of another file");
        assertEquals(403, status("1-abcdefghjkmn.mp3", String.valueOf(expires + 1), sig, NOW), "expiry moved");
        assertEquals(403, status("1-abcdefghjkmn.mp3", String.valueOf(expires), sig.substring(1) + "A", NOW));
        assertEquals(403, status("1-abcdefghjkmn.mp3", null, null, NOW), "missing");
        assertEquals(403, status("1-abcdefghjkmn.mp3", "0", signer.sign("1-abcdefghjkmn.mp3", 0), NOW),
                "expires=0 is not 'forever'");
        assertEquals(403, status("1-abcdefghjkmn.mp3", "soon", sig, NOW));
    }

    @Test
    void should_keep_a_generated_secret_across_restarts(@TempDir Path dir) throws Exception {
        byte[] first = UrlSigner.secret(null, dir);
        byte[] again = UrlSigner.secret("", dir);
        assertArrayEquals(first, again);
        assertTrue(Files.exists(dir.resolve("signing-secret")));
        assertArrayEquals("configured-secret-value".getBytes(StandardCharsets.UTF_8),
                UrlSigner.secret("configured-secret-value", dir));
    }
}
