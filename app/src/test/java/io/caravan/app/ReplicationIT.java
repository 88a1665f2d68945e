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

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.connectors.storage.DiskStorageNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Replication guarantees on the real embedded broker: reads right after the 201, lag under load,
 * corrupt copies never served, disk loss and orphans handled by the scrub, deletes racing copies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + ReplicationIT.DATA,
            "caravan.http.port=" + ReplicationIT.PORT,
            "caravan.kafka.embedded.port=19392",
            "caravan.scrub.settle=0s",
            "caravan.scrub.orphan-grace=10m"
        })
class ReplicationIT {

    static final String DATA = "target/it/replication";
    static final int PORT = 18380;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(42);

    private byte[] randomBytes(int min, int max) {
        byte[] b = new byte[min + random.nextInt(max - min)];
        random.nextBytes(b);
        return b;
    }

    private Map<String, Object> upload(byte[] data, String query) throws Exception {
        HttpResponse<byte[]> r = client.send("POST", "/files?name=f.bin" + query, HttpRequest.BodyPublishers.ofByteArray(data),
                "Authorization", "Bearer " + KEY);
        assertEquals(201, r.statusCode(), new String(r.body()));
        return json(r);
    }

    @Test
    void should_serve_the_right_bytes_immediately_after_each_of_500_uploads() throws Exception {
        int wrong = 0;
        for (int i = 0; i < 500; i++) {
            byte[] data = randomBytes(1, 20_000);
            String id = (String) upload(data, "").get("id");
            HttpResponse<byte[]> get = client.get("/files/" + id);
            if (get.statusCode() != 200 || !java.util.Arrays.equals(data, get.body())) {
                wrong++;
            }
        }
        assertEquals(0, wrong, "reads right after the 201 must never miss or differ");
    }

    @Test
    void should_replicate_every_file_within_5_seconds_under_steady_load() throws Exception {
        int files = 200;
        // id -> (time of the 201, peer node); shared with the watcher thread
        Map<String, Long> acked = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String> peers = new java.util.concurrent.ConcurrentHashMap<>();
        List<Long> lagMillis = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<Throwable> watcherFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread watcher = new Thread(() -> {
            try {
                java.util.Set<String> seen = new java.util.HashSet<>();
                long end = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < end && lagMillis.size() < files) {
                    for (Map.Entry<String, Long> e : acked.entrySet()) {
                        String peer = peers.get(e.getKey());
                        if (peer != null && !seen.contains(e.getKey()) && has(peer, e.getKey())) {
                            lagMillis.add(System.nanoTime() / 1_000_000 - e.getValue());
                            seen.add(e.getKey());
                        }
                    }
                    Thread.sleep(2);
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ex) {
                watcherFailure.set(ex);
            }
        });
        watcher.start();
        for (int i = 0; i < files; i++) {
            Map<String, Object> f = upload(randomBytes(1_000, 100_000), "");
            String id = (String) f.get("id");
            long now = System.nanoTime() / 1_000_000;
            String source = sourceNode(id);
            String group = (String) f.get("group");
            peers.put(id, source.equals(group + "-a") ? group + "-b" : group + "-a");
            acked.put(id, now);
            Thread.sleep(40); // a steady 20-25 uploads per second
        }
        watcher.join(60_000);
        assertEquals(null, watcherFailure.get(), "the watcher failed");
        List<Long> sorted = new ArrayList<>(lagMillis);
        Collections.sort(sorted);
        assertEquals(files, sorted.size(), "every file reached its peer");
        long p50 = sorted.get(sorted.size() / 2);
        long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
        System.out.printf("[measure] replication lag over %d uploads at ~20/s: p50 %d ms, p99 %d ms, max %d ms%n",
                files, p50, p99, sorted.get(sorted.size() - 1));
        assertTrue(sorted.get(sorted.size() - 1) <= 5_000, "every file on both nodes within 5 s of its 201");
        // every replicator committed what it applied (batches commit each partition they touched)
        assertTrue(eventually(Duration.ofSeconds(5), () -> client.totalLag() == 0), () -> "lag " + client.totalLag());
    }

    @Test
    void should_never_serve_a_flipped_byte_and_repair_it_by_scrub() throws Exception {
        byte[] data = randomBytes(200_000, 300_000);
        String id = (String) upload(data, "&group=g1").get("id");
        assertTrue(eventually(Duration.ofSeconds(5), () -> client.verifiedReplicas(id) == 2));
        Path copy = replicaFile(DATA_DIR, "g1-b", id).orElseThrow();
        flipByte(copy, 12_345);

        for (int i = 0; i < 10; i++) {
            HttpResponse<byte[]> r = client.get("/files/" + id);
            assertEquals(200, r.statusCode());
            assertArrayEquals(data, r.body(), "a corrupt copy must never be served");
        }
        assertEquals("BAD", replicaState(id, "g1-b"));

        JsonNode report = scrub();
        assertTrue(report.path("repaired").asLong() >= 1, report.toString());
        assertEquals(sha256(data), sha256(replicaFile(DATA_DIR, "g1-b", id).orElseThrow()));
        assertEquals("VERIFIED", replicaState(id, "g1-b"));
    }

    @Test
    void should_restore_every_file_of_a_lost_disk() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] data = randomBytes(1_000, 50_000);
            files.put((String) upload(data, "&group=g2").get("id"), data);
        }
        assertTrue(eventually(Duration.ofSeconds(10), () -> files.keySet().stream().allMatch(id -> client.verifiedReplicas(id) == 2)));
        TestClient.deleteTree(DATA_DIR.resolve("nodes/g2-a"));

        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertArrayEquals(e.getValue(), client.get("/files/" + e.getKey()).body(), "reads fail over to g2-b");
        }
        // the disk is gone with its identity: OFFLINE, and nothing refills it by itself (it could be an empty mount point)
        assertTrue(eventually(Duration.ofSeconds(10), () -> "OFFLINE".equals(client.nodeState("g2-a"))));
        scrub();
        assertFalse(Files.exists(DATA_DIR.resolve("nodes/g2-a")), "nothing written where the disk was, not even by a scrub");

        // an operator formats the new disk: SYNCING, refilled by the scrub, then ACTIVE
        HttpResponse<byte[]> format = client.send("POST", "/admin/nodes/g2-a/format", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(200, format.statusCode(), new String(format.body()));
        assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("g2-a"))), "refilled, then ACTIVE");
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertEquals(sha256(e.getValue()), sha256(replicaFile(DATA_DIR, "g2-a", e.getKey()).orElseThrow()));
            assertEquals("VERIFIED", replicaState(e.getKey(), "g2-a"));
        }
    }

    @Test
    void should_remove_orphans_older_than_the_grace_period() throws Exception {
        DiskStorageNode node = new DiskStorageNode("g1-a", "g1", DATA_DIR.resolve("nodes/g1-a"));
        Path old = node.pathOf("zz-abcdefghjkmn.bin");
        Path young = node.pathOf("zy-abcdefghjkmn.bin");
        Files.createDirectories(old.getParent());
        Files.createDirectories(young.getParent());
        Files.write(old, new byte[] {1, 2, 3});
        Files.write(young, new byte[] {4, 5, 6});
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));

        JsonNode report = scrub();
        assertTrue(report.path("orphansRemoved").asLong() >= 1, report.toString());
        assertFalse(Files.exists(old), "an orphan past the grace period is removed");
        assertTrue(Files.exists(young), "a young object may be an upload in flight: kept");
    }

    @Test
    void should_leave_nothing_anywhere_when_deletes_race_replication() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = (String) upload(randomBytes(10_000, 500_000), "").get("id");
            HttpResponse<byte[]> del = client.send("DELETE", "/files/" + id, HttpRequest.BodyPublishers.noBody(),
                    "Authorization", "Bearer " + KEY);
            assertEquals(204, del.statusCode());
            ids.add(id);
        }
        assertTrue(eventually(Duration.ofSeconds(10), () -> ids.stream().allMatch(id -> nodesHolding(id) == 0)),
                "deleted files gone from every node");
        Thread.sleep(1000);
        for (String id : ids) {
            assertEquals(0, nodesHolding(id), "no late copy resurrects " + id);
            assertEquals(404, client.get("/files/" + id).statusCode());
        }
    }

    private JsonNode scrub() throws Exception {
        HttpResponse<byte[]> r = client.send("POST", "/admin/scrub", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return TestClient.JSON.readTree(r.body());
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            var one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, position);
            one.flip();
            byte b = one.get(0);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) (b ^ 0x40)}), position);
        }
        // make the change visible to a check based on modification time even on coarse clocks
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    }

    private JsonNode info(String id) {
        try {
            return TestClient.JSON.readTree(client.get("/files/" + id + "/info").body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String replicaState(String id, String node) {
        for (JsonNode r : info(id).path("replicas")) {
            if (node.equals(r.path("node").asText())) {
                return r.path("state").asText();
            }
        }
        return "NONE";
    }

    /** The node holding the first copy: the only verified one right after the 201. */
    private String sourceNode(String id) {
        for (JsonNode r : info(id).path("replicas")) {
            if ("VERIFIED".equals(r.path("state").asText()) && !r.has("offset")) {
                return r.path("node").asText();
            }
        }
        throw new AssertionError("no source replica for " + id);
    }

    private static boolean has(String node, String id) {
        try {
            return replicaFile(DATA_DIR, node, id).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static int nodesHolding(String id) {
        int n = 0;
        for (String node : List.of("g1-a", "g1-b", "g2-a", "g2-b")) {
            n += has(node, id) ? 1 : 0;
        }
        return n;
    }
}
