package io.caravan.processors.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.connectors.storage.DiskStorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.support.ConflictException;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Node administration on two gateways sharing one catalogue: nodes added and removed at runtime reach both. */
class NodeAdminTest {

    @TempDir
    Path dir;
    private JdbcConnectionPool ds;
    private Catalogue catalogue;
    private final List<String> started = new ArrayList<>();
    private final List<String> stopped = new ArrayList<>();
    private Tracker tracker;
    private NodeAdmin admin;

    /** A gateway: its own tracker of the configured node g1-a, the shared catalogue, its replicator routes recorded. */
    private NodeAdmin gateway(Tracker t, List<String> starts, List<String> stops) {
        return new NodeAdmin(t, catalogue.nodes(), catalogue.replicas(), dir, new NodeAdmin.Replicators() {
            @Override
            public void start(String node) {
                starts.add(node);
            }

            @Override
            public void stop(String node) {
                stops.add(node);
            }
        });
    }

    private Tracker tracker() {
        return new Tracker(new StorageNodes(List.of(new DiskStorageNode("g1-a", "g1", dir.resolve("g1-a")))), catalogue.nodes(),
                new TrackerSettings(3, Duration.ofSeconds(2), 0, Map.of()), node -> 0L, Clock.systemUTC());
    }

    @BeforeEach
    void gateway() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
        tracker = tracker();
        admin = gateway(tracker, started, stopped);
    }

    @AfterEach
    void close() {
        ds.dispose();
    }

    @Test
    void should_add_a_disk_node_that_joins_syncing_and_starts_its_replicator() {
        NodeAdmin.NodeView added = admin.add("g1-c", Map.of("path", dir.resolve("c").toString(), "reserve-bytes", "10"));
        assertEquals(new NodeAdmin.NodeView("g1-c", "g1", "disk", NodeState.SYNCING), added);
        assertTrue(Files.isDirectory(dir.resolve("c")), "the node was prepared");
        assertEquals(List.of("g1-c"), started);
        assertTrue(catalogue.nodes().configs().get("g1-c").contains("reserve-bytes=10"), catalogue.nodes().configs().toString());
        assertThrows(ConflictException.class, () -> admin.add("g1-c", Map.of()));
    }

    @Test
    void should_refuse_nodes_it_cannot_make_or_reach() {
        assertEquals("storage node g1-x: unknown kind tape (disk, s3)",
                assertThrows(InvalidInputException.class, () -> admin.add("g1-x", Map.of("kind", "tape"))).getMessage());
        assertThrows(InvalidInputException.class, () -> admin.add("bad name!", Map.of()));
        assertThrows(InvalidInputException.class, () -> admin.add("g1-x", Map.of("reserve-bytes", "lots")));
        InvalidInputException unreachable = assertThrows(InvalidInputException.class,
                () -> admin.add("g1-x", Map.of("kind", "s3", "endpoint", "http://127.0.0.1:1", "access-key", "k", "secret-key", "s")));
        assertTrue(unreachable.getMessage().startsWith("node g1-x does not answer"), unreachable.getMessage());
        assertTrue(catalogue.nodes().configs().isEmpty(), "nothing was kept");
        assertTrue(started.isEmpty());
    }

    @Test
    void should_share_added_and_removed_nodes_with_another_gateway() {
        List<String> otherStarted = new ArrayList<>();
        List<String> otherStopped = new ArrayList<>();
        Tracker otherTracker = tracker();
        NodeAdmin other = gateway(otherTracker, otherStarted, otherStopped);

        admin.add("g1-c", Map.of("path", dir.resolve("c").toString()));
        other.sync();
        assertTrue(otherTracker.nodes().node("g1-c").isPresent());
        assertEquals(List.of("g1-c"), otherStarted);

        admin.remove("g1-c");
        assertEquals(List.of("g1-c"), stopped);
        other.sync();
        assertTrue(otherTracker.nodes().node("g1-c").isEmpty());
        assertEquals(List.of("g1-c"), otherStopped);
    }

    @Test
    void should_refuse_to_remove_a_declared_node_or_one_holding_an_only_copy() {
        assertThrows(ConflictException.class, () -> admin.remove("g1-a"), "declared in configuration");
        assertThrows(NotFoundException.class, () -> admin.remove("g1-z"));
        admin.add("g1-c", Map.of("path", dir.resolve("c").toString()));
        FileRecord f = new FileRecord("1-aaaaaaaaaaaa.bin", "a.bin", 1, "a".repeat(64), "text/plain", "g1", FileRecord.STORED,
                Instant.now(), null);
        catalogue.files().insertStored(f, Map.of(), "g1-c", 1L, OutboxEvent.of("e1", f.id(), "caravan.file.stored", "{}"));
        ConflictException e = assertThrows(ConflictException.class, () -> admin.remove("g1-c"));
        assertEquals("node g1-c holds the only copy of 1 files", e.getMessage());
        assertTrue(tracker.nodes().node("g1-c").isPresent(), "still there");
    }

    @Test
    void should_drain_and_activate_a_node() {
        tracker.beat();
        assertEquals(NodeState.DRAINED, admin.drain("g1-a").state());
        assertEquals("DRAINED", catalogue.nodes().states().get("g1-a"));
        assertEquals(NodeState.SYNCING, admin.activate("g1-a").state());
        assertThrows(NotFoundException.class, () -> admin.drain("g1-z"));
    }
}
