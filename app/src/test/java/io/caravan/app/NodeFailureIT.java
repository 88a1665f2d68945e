package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static io.caravan.app.TestClient.replicaFile;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A disk node that goes away and comes back, and an operator draining a node, with a 500 ms heartbeat. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + NodeFailureIT.DATA,
            "caravan.http.port=" + NodeFailureIT.PORT,
            "caravan.kafka.embedded.port=19692",
            "caravan.tracker.heartbeat-interval=" + NodeFailureIT.INTERVAL + "ms",
            "caravan.tracker.offline-after=3"
        })
class NodeFailureIT {

    static final String DATA = "target/it/failover";
    static final int PORT = 18680;
    static final int INTERVAL = 500;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(5);

    private byte[] bytes() {
        byte[] b = new byte[2_000 + random.nextInt(80_000)];
        random.nextBytes(b);
        return b;
    }

    @Test
    void should_detect_a_dead_disk_node_keep_serving_and_catch_up_when_it_returns() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] b = bytes();
            files.put(client.uploadToGroup("g1", b), b);
        }
        assertTrue(eventually(Duration.ofSeconds(10),
                () -> files.keySet().stream().allMatch(id -> has("g1-a", id) && has("g1-b", id))));

        // the disk goes away: its directory is replaced by a plain file, so every operation on it fails
        Path node = DATA_DIR.resolve("nodes/g1-b");
        Path away = DATA_DIR.resolve("nodes/g1-b.away");
        Files.move(node, away);
        Files.writeString(node, "not a directory");
        long died = System.nanoTime();

        int requests = 0;
        int errors = 0;
        long detected = -1;
        for (int i = 0; i < 60; i++) {
            byte[] b = bytes();
            requests++;
            HttpResponse<byte[]> r = client.send("POST", "/files?name=during.bin&group=g1",
                    HttpRequest.BodyPublishers.ofByteArray(b), "Authorization", "Bearer " + KEY);
            if (r.statusCode() == 201) {
                files.put((String) json(r).get("id"), b);
            } else {
                errors++;
            }
            for (Map.Entry<String, byte[]> e : files.entrySet().stream().limit(20).toList()) {
                requests++;
                HttpResponse<byte[]> get = client.get("/files/" + e.getKey());
                if (get.statusCode() != 200 || !Arrays.equals(e.getValue(), get.body())) {
                    errors++;
                }
            }
            if (detected < 0 && "OFFLINE".equals(client.nodeState("g1-b"))) {
                detected = (System.nanoTime() - died) / 1_000_000;
            }
        }
        assertTrue(eventually(Duration.ofSeconds(5), () -> "OFFLINE".equals(client.nodeState("g1-b"))));
        if (detected < 0) {
            detected = (System.nanoTime() - died) / 1_000_000;
        }
        System.out.printf("[measure] dead disk node detected OFFLINE after %d ms (heartbeat %d ms, bound %d ms); "
                + "client errors during the outage: %d of %d requests%n", detected, INTERVAL, 3 * INTERVAL, errors, requests);
        assertEquals(0, errors, "uploads go to the live node and reads fail over");
        assertTrue(detected <= 3 * INTERVAL + INTERVAL, "detected within 3 heartbeat intervals (+1 for the poll): " + detected);

        // the disk comes back: the node catches up before it serves again
        Files.delete(node);
        Files.move(away, node);
        long back = System.nanoTime();
        assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("g1-b"))), "g1-b ACTIVE again");
        System.out.printf("[measure] returned node caught up and ACTIVE after %d ms%n", (System.nanoTime() - back) / 1_000_000);
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> has("g1-b", id))),
                () -> "missing on g1-b: " + files.keySet().stream().filter(id -> !has("g1-b", id)).toList());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            for (String n : new String[] {"g1-a", "g1-b"}) {
                assertEquals(sha256(e.getValue()), sha256(replicaFile(DATA_DIR, n, e.getKey()).orElseThrow()), n + " " + e.getKey());
            }
        }
    }

    @Test
    void should_take_a_drained_node_out_of_uploads_and_reads_until_activated() throws Exception {
        assertEquals(401, client.send("POST", "/admin/nodes/g2-a/drain", HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(404, client.send("POST", "/admin/nodes/g9-z/drain", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY).statusCode());
        assertEquals("DRAINED", admin("g2-a", "drain"));
        assertEquals("DRAINED", client.nodeState("g2-a"));
        for (int i = 0; i < 10; i++) {
            byte[] b = bytes();
            String id = client.uploadToGroup("g2", b);
            assertTrue(has("g2-b", id) && !has("g2-a", id), "a drained node takes no uploads");
            assertEquals(sha256(b), sha256(client.get("/files/" + id).body()));
        }

        // a drained node still serves as a copy source: with g2-a drained this upload lands on g2-b alone
        // and g2-a's replicator waits; then g2-b is drained too and g2-a, activated, copies from it
        byte[] onlyThere = bytes();
        String placed = client.uploadToGroup("g2", onlyThere);
        Thread.sleep(500);
        assertTrue(has("g2-b", placed) && !has("g2-a", placed), "the upload waits on g2-b alone");
        assertEquals("DRAINED", admin("g2-b", "drain"));
        assertEquals("SYNCING", admin("g2-a", "activate"));
        assertTrue(eventually(Duration.ofSeconds(30), () -> has("g2-a", placed)), "copied from the drained node");
        assertTrue(eventually(Duration.ofSeconds(30), () -> "ACTIVE".equals(client.nodeState("g2-a"))), "caught up, then ACTIVE");
        assertEquals(sha256(onlyThere), sha256(replicaFile(DATA_DIR, "g2-a", placed).orElseThrow()));
        assertEquals("SYNCING", admin("g2-b", "activate"));
        assertTrue(eventually(Duration.ofSeconds(30), () -> "ACTIVE".equals(client.nodeState("g2-b"))));
    }

    @Test
    void should_add_a_node_at_runtime_that_catches_up_and_remove_it_again() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            byte[] b = bytes();
            files.put(client.uploadToGroup("g1", b), b);
        }
        String path = DATA_DIR.resolve("nodes/g1-c").toAbsolutePath().toString();
        String spec = "{\"name\":\"g1-c\",\"group\":\"g1\",\"kind\":\"disk\",\"path\":\"" + path + "\"}";
        assertEquals(401, client.send("POST", "/admin/nodes", HttpRequest.BodyPublishers.ofString(spec)).statusCode());
        HttpResponse<byte[]> added = adminSend("POST", "/admin/nodes", spec);
        assertEquals(201, added.statusCode(), new String(added.body()));
        assertEquals("SYNCING", json(added).get("state"));
        assertEquals(409, adminSend("POST", "/admin/nodes", spec).statusCode());
        assertEquals(400, adminSend("POST", "/admin/nodes", "{\"group\":\"g1\"}").statusCode());
        assertEquals(400, adminSend("POST", "/admin/nodes", "not json").statusCode());
        assertEquals(400, adminSend("POST", "/admin/nodes",
                "{\"name\":\"g1-d\",\"kind\":\"s3\",\"endpoint\":\"http://127.0.0.1:1\"}").statusCode(), "no credentials");
        assertEquals(400, adminSend("POST", "/admin/nodes", "{\"name\":\"g1-d\",\"kind\":\"s3\",\"endpoint\":"
                + "\"http://127.0.0.1:1\",\"accessKey\":\"a\",\"secretKey\":\"b\"}").statusCode(), "does not answer");

        assertTrue(eventually(Duration.ofSeconds(30), () -> "ACTIVE".equals(client.nodeState("g1-c"))), "g1-c caught up, ACTIVE");
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> has("g1-c", id))));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertEquals(sha256(e.getValue()), sha256(replicaFile(DATA_DIR, "g1-c", e.getKey()).orElseThrow()));
        }

        assertEquals(409, adminSend("DELETE", "/admin/nodes/g1-a", null).statusCode(), "declared in configuration");
        assertEquals(204, adminSend("DELETE", "/admin/nodes/g1-c", null).statusCode());
        assertEquals("?", client.nodeState("g1-c"), "no longer in the cluster");
        assertEquals(404, adminSend("DELETE", "/admin/nodes/g1-c", null).statusCode());
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertEquals(sha256(e.getValue()), sha256(client.get("/files/" + e.getKey()).body()));
        }
    }

    private HttpResponse<byte[]> adminSend(String method, String path, String body) throws Exception {
        return client.send(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                "Authorization", "Bearer " + KEY, "Content-Type", "application/json");
    }

    private String admin(String node, String action) throws Exception {
        HttpResponse<byte[]> r = client.send("POST", "/admin/nodes/" + node + "/" + action, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return (String) json(r).get("state");
    }

    private static boolean has(String node, String id) {
        try {
            return replicaFile(DATA_DIR, node, id).isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
