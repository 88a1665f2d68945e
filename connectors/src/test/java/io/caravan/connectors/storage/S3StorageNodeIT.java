package io.caravan.connectors.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 connector against a real S3 server in the JVM (S3Proxy, SigV4 auth, transient store). */
class S3StorageNodeIT {

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.AWS_V2_OR_V4, "caravan-access", "caravan-secret-key")
            .withBlobStoreProvider("transient")
            .build();

    private S3StorageNode node(String secret) {
        return new S3StorageNode("g3-a", "g3", S3.getUri().toString(), "caravan-g3-a", "caravan-access", secret);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void should_put_stat_range_get_and_delete() throws Exception {
        S3StorageNode node = node("caravan-secret-key");
        try {
            node.prepare();
            // larger than one 16 MiB part: exercises the multipart path of an unknown-length upload
            byte[] data = bytes(20 * 1024 * 1024 + 123);
            assertEquals(data.length, node.write("7-abcdefghjkmn.mp4", new ByteArrayInputStream(data)));
            assertEquals(data.length, node.size("7-abcdefghjkmn.mp4"));
            try (InputStream in = node.read("7-abcdefghjkmn.mp4", 0, data.length)) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                assertArrayEquals(sha.digest(data), sha.digest(in.readAllBytes()));
            }
            try (InputStream in = node.read("7-abcdefghjkmn.mp4", 5_000_000, 4096)) {
                assertArrayEquals(Arrays.copyOfRange(data, 5_000_000, 5_004_096), in.readAllBytes());
            }
            assertTrue(node.delete("7-abcdefghjkmn.mp4"));
            assertEquals(-1, node.size("7-abcdefghjkmn.mp4"));
            assertFalse(node.delete("7-abcdefghjkmn.mp4"));
        } finally {
            node.close();
        }
    }

    @Test
    void should_reject_wrong_credentials() throws Exception {
        S3StorageNode good = node("caravan-secret-key");
        S3StorageNode bad = node("not-the-secret");
        try {
            good.prepare();
            IOException e = assertThrows(IOException.class,
                    () -> bad.write("8-abcdefghjkmn.bin", new ByteArrayInputStream(bytes(10))));
            assertTrue(e.getMessage().contains("SignatureDoesNotMatch") || e.getMessage().contains("Access"), e.getMessage());
            assertEquals(-1, good.size("8-abcdefghjkmn.bin"), "a rejected write stores nothing");
        } finally {
            good.close();
            bad.close();
        }
    }
}
