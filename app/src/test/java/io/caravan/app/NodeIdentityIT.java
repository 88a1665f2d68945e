package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.replicaFile;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Disks that know who they are, with a 500 ms heartbeat: every node holds {@code caravan-node.json}; a disk moved
 * away, an empty mount point and a disk of another node each take their node OFFLINE at once with the reason, and
 * nothing is written to it; the disk back with its identity catches up; a format refills it from the other copies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + NodeIdentityIT.DATA,
            "caravan.http.port=" + NodeIdentityIT.PORT,
            "caravan.kafka.embedded.port=19792",
            "caravan.tracker.heartbeat-interval=" + NodeIdentityIT.INTERVAL + "ms",
            "caravan.tracker.offline-after=3",
            "caravan.scrub.settle=0s"
        })
class NodeIdentityIT {

    static final String DATA = "target/it/identity";
    static final int PORT = 18780;
    static final int INTERVAL = 500;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(7);
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    private Path node(String name) {
        return DATA_DIR.resolve("nodes").resolve(name);
    }

    private void upload(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[1_000 + random.nextInt(40_000)];
            random.nextBytes(b);
            files.put(client.uploadToGroup("g1", b), b);
        }
    }

    private JsonNode nodeView(String name) throws Exception {
        for (JsonNode g : TestClient.JSON.readTree(client.get("/cluster").body()).path("groups")) {
            for (JsonNode n : g.path("nodes")) {
                if (name.equals(n.path("name").asText())) {
                    return n;
                }
            }
        }
        throw new AssertionError("no node " + name);
    }

    /** OFFLINE within two heartbeats (plus the poll), with {@code reason} in /cluster. */
    private void assertOfflineSoon(String name, String reason) throws Exception {
        long t0 = System.nanoTime();
        assertTrue(eventually(Duration.ofSeconds(5), () -> "OFFLINE".equals(client.nodeState(name))), name + " OFFLINE");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms <= 2 * INTERVAL + 300, "within two heartbeats: " + ms + " ms");
        String error = nodeView(name).path("error").asText();
        assertTrue(error.contains(reason), error);
        System.out.printf("[measure] %s OFFLINE after %d ms: %s%n", name, ms, error);
    }

    private void assertAllOn(String name) throws Exception {
        assertTrue(eventually(Duration.ofSeconds(30), () -> files.keySet().stream().allMatch(id -> {
            try {
                return replicaFile(DATA_DIR, name, id).isPresent();
            } catch (Exception e) {
                return false;
            }
        })), "every file on " + name);
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            assertEquals(sha256(e.getValue()), sha256(replicaFile(DATA_DIR, name, e.getKey()).orElseThrow()), name + " " + e.getKey());
        }
    }

    private HttpResponse<byte[]> format(String name, String query) throws Exception {
        return client.send("POST", "/admin/nodes/" + name + "/format" + query, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY);
    }

    @Test
    @Order(1)
    void should_format_brand_new_nodes_by_themselves() throws Exception {
        String a = Files.readString(node("g1-a").resolve("caravan-node.json"));
        String b = Files.readString(node("g1-b").resolve("caravan-node.json"));
        JsonNode ja = TestClient.JSON.readTree(a);
        JsonNode jb = TestClient.JSON.readTree(b);
        assertEquals("g1-a", ja.path("node").asText());
        assertEquals("g1", ja.path("group").asText());
        assertEquals("g1-b", jb.path("node").asText());
        assertEquals(ja.path("cluster").asText(), jb.path("cluster").asText(), "one cluster");
        assertTrue(ja.path("cluster").asText().length() >= 32 && ja.hasNonNull("created"), a);
        upload(10);
        assertAllOn("g1-a"); // both copies of each: no file has its only copy on the disk the next tests take away
        assertAllOn("g1-b");
        assertEquals("ACTIVE", client.nodeState("g1-b"));
    }

    @Test
    @Order(2)
    void should_take_a_disk_moved_away_offline_write_nothing_and_catch_up_when_it_is_back() throws Exception {
        Path away = DATA_DIR.resolve("g1-b.away");
        Files.move(node("g1-b"), away);
        assertOfflineSoon("g1-b", "identity is missing");
        upload(5); // to g1-a alone
        Thread.sleep(3 * INTERVAL);
        assertFalse(Files.exists(node("g1-b")), "nothing written where the disk was");
        assertEquals("OFFLINE", client.nodeState("g1-b"), "not formatted by itself");

        Files.move(away, node("g1-b")); // the disk back, with its identity
        assertTrue(eventually(Duration.ofSeconds(30), () -> "ACTIVE".equals(client.nodeState("g1-b"))), "SYNCING, then ACTIVE");
        assertAllOn("g1-b"); // caught up on the five uploaded meanwhile
    }

    @Test
    @Order(3)
    void should_take_an_empty_mount_point_offline_until_formatted_then_refill_it() throws Exception {
        Path away = DATA_DIR.resolve("g1-b.unmounted");
        Files.move(node("g1-b"), away);
        Files.createDirectories(node("g1-b")); // what an unmounted disk leaves: its empty mount point
        assertOfflineSoon("g1-b", "identity is missing");
        upload(3);
        Thread.sleep(3 * INTERVAL);
        try (var listing = Files.list(node("g1-b"))) {
            assertEquals(0, listing.count(), "the mount point stays empty");
        }

        assertEquals(401, client.send("POST", "/admin/nodes/g1-b/format", HttpRequest.BodyPublishers.noBody()).statusCode());
        assertEquals(404, format("g9-z", "").statusCode());
        HttpResponse<byte[]> f = format("g1-b", "");
        assertEquals(200, f.statusCode(), new String(f.body()));
        assertEquals("SYNCING", TestClient.json(f).get("state"));
        assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("g1-b"))), "refilled, then ACTIVE");
        assertAllOn("g1-b"); // every file, from g1-a's copies
        assertEquals("g1-b", TestClient.JSON.readTree(Files.readString(node("g1-b").resolve("caravan-node.json"))).path("node").asText());
        TestClient.deleteTree(away);
    }

    @Test
    @Order(4)
    void should_refuse_a_disk_of_another_node_and_format_it_only_when_forced() throws Exception {
        Path own = DATA_DIR.resolve("g1-b.identity");
        Files.move(node("g1-b").resolve("caravan-node.json"), own);
        Files.copy(node("g1-a").resolve("caravan-node.json"), node("g1-b").resolve("caravan-node.json")); // g1-a's disk, say
        String foreign = Files.readString(node("g1-b").resolve("caravan-node.json"));
        assertOfflineSoon("g1-b", "holds node g1-a");
        Thread.sleep(4 * INTERVAL);
        assertEquals("OFFLINE", client.nodeState("g1-b"));
        assertEquals(foreign, Files.readString(node("g1-b").resolve("caravan-node.json")), "never formatted by itself");

        HttpResponse<byte[]> refused = format("g1-b", "");
        assertEquals(409, refused.statusCode(), new String(refused.body()));
        assertTrue(new String(refused.body()).contains("force=true"));
        HttpResponse<byte[]> forced = format("g1-b", "?force=true");
        assertEquals(200, forced.statusCode(), new String(forced.body()));
        assertTrue(eventually(Duration.ofSeconds(60), () -> "ACTIVE".equals(client.nodeState("g1-b"))));
        assertAllOn("g1-b");
        Files.delete(own);
    }
}
