package io.caravan.processors.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.NodeRow;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.support.NotFoundException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tracker's state machine, heartbeat by heartbeat, on nodes in memory and a clock that does not move. */
class TrackerTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private JdbcConnectionPool ds;
    private Catalogue catalogue;
    private final MemoryNode a = new MemoryNode("g1-a", "g1");
    private final MemoryNode b = new MemoryNode("g1-b", "g1");
    private final Map<String, Long> lag = new HashMap<>();
    private Tracker tracker;

    @BeforeEach
    void cluster() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
        lag.put("g1-a", 0L);
        lag.put("g1-b", 0L);
        tracker = new Tracker(new StorageNodes(List.of(a, b)), catalogue.nodes(),
                new TrackerSettings(3, Duration.ofMillis(300), 100, Map.of("g1-b", 500L)), lag::get,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        tracker.close();
        ds.dispose();
    }

    @Test
    void should_take_a_node_offline_after_three_missed_beats_keeping_its_last_good_beat() {
        tracker.beat();
        assertEquals(NodeState.ACTIVE, tracker.state("g1-a"));
        assertEquals(NOW, tracker.status("g1-a").lastBeat());
        assertEquals(1_000_000, tracker.status("g1-a").freeBytes());

        a.failing(true);
        tracker.beat();
        tracker.beat();
        NodeStatus twice = tracker.status("g1-a");
        assertEquals(NodeState.ACTIVE, twice.state(), "two misses are not enough");
        assertEquals(2, twice.missed());
        assertTrue(twice.error().endsWith("g1-a is down"), twice.error());
        tracker.beat();
        NodeStatus offline = tracker.status("g1-a");
        assertEquals(NodeState.OFFLINE, offline.state());
        assertEquals(NOW, offline.lastBeat(), "the last beat it answered");
        assertEquals(1_000_000, offline.freeBytes(), "the last free space it reported");
        assertEquals(NodeState.ACTIVE, tracker.state("g1-b"), "the other node is not concerned");
        assertEquals("OFFLINE", catalogue.nodes().states().get("g1-a"), "shared with the other gateways");
        assertEquals(List.of(b), tracker.writable("g1"));
    }

    @Test
    void should_bring_a_node_back_syncing_until_its_replicator_caught_up() {
        a.failing(true);
        for (int i = 0; i < 3; i++) {
            tracker.beat();
        }
        a.failing(false);
        lag.put("g1-a", 12L);
        tracker.beat();
        assertEquals(NodeState.SYNCING, tracker.state("g1-a"));
        assertEquals(0, tracker.status("g1-a").missed());
        assertNull(tracker.status("g1-a").error());
        assertTrue(tracker.writable("g1").stream().noneMatch(n -> n == a), "no uploads while it catches up");
        lag.put("g1-a", null); // the lag cannot be read: not yet
        tracker.beat();
        assertEquals(NodeState.SYNCING, tracker.state("g1-a"));
        lag.put("g1-a", 0L);
        tracker.beat();
        assertEquals(NodeState.ACTIVE, tracker.state("g1-a"));
    }

    @Test
    void should_make_a_node_under_its_reserve_readonly_and_active_again_when_it_has_room() {
        b.free(400); // its own reserve is 500
        a.free(150); // the global one is 100
        tracker.beat();
        assertEquals(NodeState.READONLY, tracker.state("g1-b"));
        assertEquals(NodeState.ACTIVE, tracker.state("g1-a"));
        assertTrue(tracker.state("g1-b").readable(), "a readonly node still serves reads");
        b.free(600);
        tracker.beat();
        assertEquals(NodeState.ACTIVE, tracker.state("g1-b"));
    }

    @Test
    void should_keep_a_drained_node_drained_on_every_gateway_until_activated() {
        tracker.beat();
        tracker.drain("g1-a");
        assertEquals(NodeState.DRAINED, tracker.state("g1-a"));
        tracker.beat();
        assertEquals(NodeState.DRAINED, tracker.state("g1-a"), "it answers, but an operator took it out");
        assertTrue(!tracker.state("g1-a").readable() && !tracker.state("g1-a").writable());

        // another gateway drained g1-b: this one learns it from the shared table at its next beat
        catalogue.nodes().save(new NodeRow("g1-b", "g1", "memory", "DRAINED", 1L, NOW, null));
        tracker.beat();
        assertEquals(NodeState.DRAINED, tracker.state("g1-b"));

        tracker.activate("g1-a");
        assertEquals(NodeState.SYNCING, tracker.state("g1-a"));
        lag.put("g1-a", 3L);
        tracker.beat();
        assertEquals(NodeState.SYNCING, tracker.state("g1-a"));
        lag.put("g1-a", 0L);
        tracker.beat();
        assertEquals(NodeState.ACTIVE, tracker.state("g1-a"));
        assertThrows(NotFoundException.class, () -> tracker.drain("g9-z"));
    }

    @Test
    void should_count_a_probe_that_does_not_answer_in_time_as_missed() {
        a.hanging();
        try {
            tracker.beat();
            NodeStatus s = tracker.status("g1-a");
            assertEquals(1, s.missed());
            assertEquals(NodeState.ACTIVE, s.state());
            assertEquals(NodeState.ACTIVE, tracker.state("g1-b"), "a hanging node does not hold up the others");
        } finally {
            a.release();
        }
    }

    @Test
    void should_start_a_node_added_at_runtime_syncing_with_its_own_reserve() {
        MemoryNode c = new MemoryNode("g1-c", "g1").free(50);
        tracker.addNode(c, 10L);
        assertEquals(NodeState.SYNCING, tracker.state("g1-c"));
        assertEquals("SYNCING", catalogue.nodes().states().get("g1-c"));
        lag.put("g1-c", 0L);
        tracker.beat();
        assertEquals(NodeState.ACTIVE, tracker.state("g1-c"), "50 bytes free is over its own 10-byte reserve, not the global 100");
        tracker.removeNode("g1-c");
        assertEquals(NodeState.OFFLINE, tracker.state("g1-c"), "an unknown node is never read from");
        assertEquals(List.of(a, b), tracker.nodes().all());
    }
}
