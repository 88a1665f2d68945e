package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static io.caravan.app.TestClient.replicaFile;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The packaged jar in its own JVM, as a user starts it: environment overrides, clean stop on SIGTERM,
 * files kept across a restart, and 2 GiB up and down under a 256 MiB heap.
 */
class CaravanProcessIT {

    @Test
    void should_start_stop_cleanly_and_keep_every_file_across_a_restart() throws Exception {
        Path data = TestClient.freshDir("target/it/restart");
        int port = 18180;
        TestClient client = new TestClient(port);
        Map<String, String> sha = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new LinkedHashMap<>();

        try (CaravanProcess caravan = new CaravanProcess(CaravanProcess.embedded(data, port, 19192), List.of(), data.resolve("caravan.log"))) {
            Duration ready = caravan.start(port);
            System.out.println("[measure] cold start to healthy: " + ready.toMillis() + " ms");
            for (String name : List.of("tone.mp3", "clip.mp4", "clip.webm")) {
                byte[] b = TestClient.resource(name);
                HttpResponse<byte[]> r = client.upload(b, name, "application/octet-stream");
                assertEquals(201, r.statusCode());
                String id = (String) json(r).get("id");
                sha.put(id, sha256(b));
                bytes.put(id, b);
            }
            for (String id : sha.keySet()) {
                assertTrue(eventually(Duration.ofSeconds(5), () -> TestClient.copies(data, id).size() == 2), "replicated: " + id);
            }
            Duration stopped = caravan.stop();
            System.out.println("[measure] stop on SIGTERM: " + stopped.toMillis() + " ms");
            assertFalse(caravan.isAlive());
        }

        try (CaravanProcess caravan = new CaravanProcess(CaravanProcess.embedded(data, port, 19192), List.of(), data.resolve("caravan.log"))) {
            Duration ready = caravan.start(port);
            System.out.println("[measure] warm restart to healthy: " + ready.toMillis() + " ms");
            for (Map.Entry<String, String> e : sha.entrySet()) {
                HttpResponse<byte[]> r = client.get("/files/" + e.getKey());
                assertEquals(200, r.statusCode());
                assertArrayEquals(bytes.get(e.getKey()), r.body());
                assertEquals(2, TestClient.copies(data, e.getKey()).size());
            }
            // the pipeline still replicates after the restart (consumers rejoin their groups at once)
            byte[] fresh = "after the restart".getBytes();
            String id = (String) json(client.upload(fresh, "later.txt", "text/plain")).get("id");
            assertTrue(eventually(Duration.ofSeconds(5), () -> TestClient.copies(data, id).size() == 2), "replicated after restart");
            caravan.stop();
        }
    }

    @Test
    void should_stream_2_GiB_up_and_down_with_a_256_MiB_heap() throws Exception {
        Path data = TestClient.freshDir("target/it/large");
        int port = 18280;
        long size = 2L * 1024 * 1024 * 1024;
        TestClient client = new TestClient(port);

        try (CaravanProcess caravan = new CaravanProcess(CaravanProcess.embedded(data, port, 19292), List.of("-Xmx256m"),
                data.resolve("caravan.log"))) {
            caravan.start(port);

            PatternStream upload = new PatternStream(size);
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = client.send("POST", "/files?name=big.bin",
                    HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> upload), size),
                    "Authorization", "Bearer " + KEY, "Content-Type", "application/octet-stream");
            double upSeconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(201, r.statusCode(), new String(r.body()));
            Map<String, Object> file = json(r);
            String id = (String) file.get("id");
            assertEquals(size, ((Number) file.get("size")).longValue());
            String expected = upload.sha256();
            assertEquals(expected, file.get("sha256"));

            MessageDigest md = TestClient.digest();
            long t1 = System.nanoTime();
            HttpResponse<InputStream> get = client.http.send(
                    HttpRequest.newBuilder(URI.create(client.base + "/files/" + id)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long read = 0;
            try (InputStream in = get.body()) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    read += n;
                }
            }
            double downSeconds = (System.nanoTime() - t1) / 1e9;
            assertEquals(200, get.statusCode());
            assertEquals(size, read);
            assertEquals(expected, HexFormat.of().formatHex(md.digest()));

            String group = (String) file.get("group");
            assertTrue(eventually(Duration.ofSeconds(60), () -> TestClient.copies(data, id).size() == 2), "2 GiB replicated");
            for (String node : List.of(group + "-a", group + "-b")) {
                assertEquals(expected, sha256(replicaFile(data, node, id).orElseThrow()), "replica on " + node);
            }
            assertTrue(caravan.isAlive(), "no OutOfMemoryError");
            System.out.printf("[measure] 2 GiB with -Xmx256m: upload %.2f s (%.0f MB/s), download %.2f s (%.0f MB/s), peak RSS %d MiB%n",
                    upSeconds, size / upSeconds / 1e6, downSeconds, size / downSeconds / 1e6, caravan.peakRss() >> 20);
            caravan.stop();
        } finally {
            TestClient.deleteTree(data.resolve("nodes"));
        }
    }

    /** {@code size} bytes of a repeating pseudo-random pattern, hashed as they are read. */
    static final class PatternStream extends InputStream {
        private final byte[] block = new byte[1 << 20];
        private final long size;
        private final MessageDigest md = TestClient.digest();
        private long pos;

        PatternStream(long size) {
            this.size = size;
            new Random(7).nextBytes(block);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int at = (int) (pos % block.length);
            int n = (int) Math.min(Math.min(len, block.length - at), size - pos);
            System.arraycopy(block, at, b, off, n);
            // vary each block a little so no two MiB are alike
            if (at == 0 && n > 8) {
                long k = pos / block.length;
                for (int i = 0; i < 8; i++) {
                    b[off + i] ^= (byte) (k >>> (8 * i));
                }
            }
            md.update(b, off, n);
            pos += n;
            return n;
        }

        /** The SHA-256 of everything read; call once, at the end. */
        String sha256() {
            return HexFormat.of().formatHex(md.digest());
        }
    }
}
