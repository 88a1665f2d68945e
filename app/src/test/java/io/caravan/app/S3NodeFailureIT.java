package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import io.caravan.connectors.storage.S3StorageNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A group of two S3 nodes (two S3Proxy servers); one server is stopped and started again. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + S3NodeFailureIT.DATA,
            "caravan.http.port=" + S3NodeFailureIT.PORT,
            "caravan.kafka.embedded.port=19992",
            "caravan.tracker.heartbeat-interval=" + S3NodeFailureIT.INTERVAL + "ms",
            "caravan.storage.nodes=g1-a, s3-a, s3-b",
            "caravan.storage.node.s3-a.kind=s3",
            "caravan.storage.node.s3-a.endpoint=http://127.0.0.1:18981",
            "caravan.storage.node.s3-a.access-key=" + S3ProxyProcess.ACCESS_KEY,
            "caravan.storage.node.s3-a.secret-key=" + S3ProxyProcess.SECRET_KEY,
            "caravan.storage.node.s3-b.kind=s3",
            "caravan.storage.node.s3-b.endpoint=http://127.0.0.1:18982",
            "caravan.storage.node.s3-b.access-key=" + S3ProxyProcess.ACCESS_KEY,
            "caravan.storage.node.s3-b.secret-key=" + S3ProxyProcess.SECRET_KEY
        })
class S3NodeFailureIT {

    static final String DATA = "target/it/s3-failover";
    static final int PORT = 18980;
    static final int INTERVAL = 500;
    static final Path DATA_DIR = TestClient.freshDir(DATA);
    static final S3ProxyProcess S3_A = new S3ProxyProcess(DATA_DIR.resolve("s3-a"), 18981);
    static final S3ProxyProcess S3_B = new S3ProxyProcess(DATA_DIR.resolve("s3-b"), 18982);

    static {
        // the S3 servers must be up before the Camel context (started by the extension) probes them
        try {
            S3_A.start();
            S3_B.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(9);

    @AfterAll
    void stopServers() throws Exception {
        S3_A.stop();
        S3_B.stop();
    }

    @Test
    void should_detect_a_stopped_s3_node_keep_serving_and_catch_up_when_it_returns() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            byte[] b = bytes();
            files.put(client.uploadToGroup("s3", b), b);
        }
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> client.verifiedReplicas(id) == 2)));

        long died = System.nanoTime();
        S3_B.stop();
        long detected = -1;
        int requests = 0;
        int errors = 0;
        for (int i = 0; i < 30; i++) {
            if (detected < 0 && "OFFLINE".equals(client.nodeState("s3-b"))) {
                detected = (System.nanoTime() - died) / 1_000_000;
            }
            byte[] b = bytes();
            requests++;
            HttpResponse<byte[]> r = client.send("POST", "/files?name=o.bin&group=s3", HttpRequest.BodyPublishers.ofByteArray(b),
                    "Authorization", "Bearer " + KEY);
            if (r.statusCode() == 201) {
                files.put((String) json(r).get("id"), b);
            } else {
                errors++;
            }
            for (Map.Entry<String, byte[]> e : files.entrySet().stream().limit(10).toList()) {
                requests++;
                HttpResponse<byte[]> get = client.get("/files/" + e.getKey());
                errors += get.statusCode() == 200 && Arrays.equals(e.getValue(), get.body()) ? 0 : 1;
            }
        }
        assertTrue(eventually(Duration.ofSeconds(5), () -> "OFFLINE".equals(client.nodeState("s3-b"))));
        System.out.printf("[measure] stopped S3 node detected OFFLINE after %d ms (heartbeat %d ms, bound %d ms); "
                + "client errors during the outage: %d of %d requests%n", detected, INTERVAL, 3 * INTERVAL, errors, requests);
        assertEquals(0, errors, "uploads go to the live node and reads fail over");
        assertTrue(detected >= 0 && detected <= 3 * INTERVAL + INTERVAL, "detected within 3 heartbeats (+1 for the poll): " + detected);

        S3_B.start();
        long back = System.nanoTime();
        assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("s3-b"))), "s3-b ACTIVE again");
        System.out.printf("[measure] restarted S3 node caught up and ACTIVE after %d ms%n", (System.nanoTime() - back) / 1_000_000);
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> client.verifiedReplicas(id) == 2)));
        S3StorageNode[] nodes = {
            new S3StorageNode("s3-a", "s3", S3_A.endpoint(), "caravan-s3-a", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY),
            new S3StorageNode("s3-b", "s3", S3_B.endpoint(), "caravan-s3-b", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)};
        try {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                for (S3StorageNode n : nodes) {
                    try (InputStream in = n.read(e.getKey(), 0, e.getValue().length)) {
                        assertEquals(sha256(e.getValue()), sha256(in.readAllBytes()), n.name() + " " + e.getKey());
                    }
                }
            }
        } finally {
            Arrays.stream(nodes).forEach(S3StorageNode::close);
        }
    }

    @Test
    void should_take_an_emptied_bucket_offline_until_formatted_then_refill_it() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = bytes();
            files.put(client.uploadToGroup("s3", b), b);
        }
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> client.verifiedReplicas(id) == 2)));
        assertTrue(eventually(Duration.ofSeconds(10), () -> "ACTIVE".equals(client.nodeState("s3-b"))));
        try (S3StorageNode b = new S3StorageNode("s3-b", "s3", S3_B.endpoint(), "caravan-s3-b", S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY)) {
            assertTrue(b.readIdentity().orElseThrow().contains("\"node\":\"s3-b\""), "formatted at the first start");
            // the bucket replaced by an empty one: every object and the identity gone
            java.util.List<String> keys = new java.util.ArrayList<>();
            b.list(o -> keys.add(o.key()));
            for (String k : keys) {
                b.delete(k);
            }
            b.delete(io.caravan.connectors.storage.StorageNode.IDENTITY_KEY);
            // uploads at once, before a heartbeat has seen it: stored (on s3-a), and not a byte in the emptied bucket
            for (int i = 0; i < 3; i++) {
                byte[] x = bytes();
                files.put(client.uploadToGroup("s3", x), x);
            }
            assertTrue(eventually(Duration.ofSeconds(3), () -> "OFFLINE".equals(client.nodeState("s3-b"))), "OFFLINE within the heartbeats");
            Thread.sleep(3 * INTERVAL);
            assertTrue(b.isEmpty() && b.readIdentity().isEmpty(), "nothing written to it, not even a probe");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                assertEquals(sha256(e.getValue()), sha256(client.get("/files/" + e.getKey()).body()), "served from s3-a");
            }

            HttpResponse<byte[]> format = client.send("POST", "/admin/nodes/s3-b/format", HttpRequest.BodyPublishers.noBody(),
                    "Authorization", "Bearer " + KEY);
            assertEquals(200, format.statusCode(), new String(format.body()));
            assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("s3-b"))), "refilled, then ACTIVE");
            assertTrue(b.readIdentity().orElseThrow().contains("\"node\":\"s3-b\""));
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                try (InputStream in = b.read(e.getKey(), 0, e.getValue().length)) {
                    assertEquals(sha256(e.getValue()), sha256(in.readAllBytes()), "refilled " + e.getKey());
                }
            }
        }
    }

    @Test
    void should_stream_an_s3_object_and_its_ranges_byte_exact() throws Exception {
        byte[] b = new byte[5 * 1024 * 1024 + 321];
        random.nextBytes(b);
        String id = client.uploadToGroup("s3", b);
        assertTrue(eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(id) == 2));
        for (String replica : new String[] {"s3-a", "s3-b"}) {
            HttpResponse<byte[]> whole = client.get("/files/" + id + "?replica=" + replica);
            assertEquals(200, whole.statusCode());
            assertEquals(sha256(b), sha256(whole.body()), "whole object from " + replica);
            HttpResponse<byte[]> part = client.get("/files/" + id + "?replica=" + replica, "Range", "bytes=1000000-3000000");
            assertEquals(206, part.statusCode());
            assertEquals("bytes 1000000-3000000/" + b.length, part.headers().firstValue("Content-Range").orElseThrow());
            assertEquals(sha256(Arrays.copyOfRange(b, 1_000_000, 3_000_001)), sha256(part.body()), "range from " + replica);
            HttpResponse<byte[]> tail = client.get("/files/" + id + "?replica=" + replica, "Range", "bytes=-17");
            assertEquals(sha256(Arrays.copyOfRange(b, b.length - 17, b.length)), sha256(tail.body()), "suffix from " + replica);
        }
        // several ranges in one request are still read through the SDK (multipart/byteranges)
        HttpResponse<byte[]> multi = client.get("/files/" + id, "Range", "bytes=0-9,100-109");
        assertEquals(206, multi.statusCode());
        assertTrue(multi.headers().firstValue("Content-Type").orElseThrow().startsWith("multipart/byteranges; boundary="));
        String body = new String(multi.body(), java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int[] r : new int[][] {{0, 10}, {100, 110}}) {
            String part = "Content-Range: bytes " + r[0] + "-" + (r[1] - 1) + "/" + b.length + "\r\n\r\n"
                    + new String(Arrays.copyOfRange(b, r[0], r[1]), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(body.contains(part), "part " + r[0] + "-" + (r[1] - 1) + " with its exact bytes");
        }
    }

    private byte[] bytes() {
        byte[] b = new byte[1_000 + random.nextInt(100_000)];
        random.nextBytes(b);
        return b;
    }

}
