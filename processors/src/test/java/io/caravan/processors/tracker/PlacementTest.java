package io.caravan.processors.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.caravan.connectors.storage.DiskStorageNode;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.UnavailableException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 100 placements under each policy land where the policy says (real disk nodes, free space as reported). */
class PlacementTest {

    @TempDir
    Path dir;
    private JdbcConnectionPool ds;
    private StorageNodes nodes;
    private Tracker tracker;

    /** A disk node that reports a chosen amount of free space. */
    private StorageNode node(String name, long free) {
        return new DiskStorageNode(name, name.substring(0, name.indexOf('-')), dir.resolve(name)) {
            @Override
            public long freeSpace() {
                return free;
            }
        };
    }

    @BeforeEach
    void cluster() throws Exception {
        ds = MemoryDatabase.open();
        nodes = new StorageNodes(List.of(
                node("g1-a", 500), node("g1-b", 900),
                node("g2-a", 700), node("g2-b", 800),
                node("g3-a", 100), node("g3-b", 5_000)));
        tracker = tracker(0, Map.of());
    }

    /** A tracker of the six nodes after one heartbeat, with a global reserve and per-node ones. */
    private Tracker tracker(long reserve, Map<String, Long> nodeReserve) {
        Tracker t = new Tracker(nodes, new Catalogue(ds).nodes(), new TrackerSettings(3, Duration.ofSeconds(2), reserve, nodeReserve),
                node -> 0L, Clock.systemUTC());
        t.beat();
        return t;
    }

    @AfterEach
    void close() {
        ds.dispose();
    }

    private Map<String, Integer> place(Placement p, int times) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < times; i++) {
            counts.merge(p.choose(null).name(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void should_spread_evenly_under_round_robin() {
        Placement p = new Placement(tracker, Placement.Policy.ROUND_ROBIN, Placement.Policy.ROUND_ROBIN, null);
        Map<String, Integer> counts = place(p, 120);
        assertEquals(6, counts.size(), counts.toString());
        counts.values().forEach(n -> assertEquals(20, n, counts.toString()));
    }

    @Test
    void should_pick_the_group_whose_fullest_node_has_most_room() {
        Placement p = new Placement(tracker, Placement.Policy.MOST_FREE, Placement.Policy.MOST_FREE, null);
        // g1: min 500, g2: min 700, g3: min 100 -> g2; within g2 the node with more room: g2-b
        assertEquals(Map.of("g2-b", 100), place(p, 100));
    }

    @Test
    void should_always_use_the_fixed_group() {
        Placement p = new Placement(tracker, Placement.Policy.FIXED, Placement.Policy.ROUND_ROBIN, "g3");
        assertEquals(Map.of("g3-a", 50, "g3-b", 50), place(p, 100));
    }

    @Test
    void should_skip_groups_without_a_writable_node_and_refuse_when_none_is_left() {
        Placement p = new Placement(tracker, Placement.Policy.ROUND_ROBIN, Placement.Policy.ROUND_ROBIN, null);
        tracker.drain("g1-a");
        tracker.drain("g1-b");
        tracker.drain("g2-a");
        Map<String, Integer> counts = place(p, 100);
        assertEquals(List.of("g2-b", "g3-a", "g3-b"), List.copyOf(counts.keySet()));
        tracker.drain("g2-b");
        tracker.drain("g3-a");
        tracker.drain("g3-b");
        assertEquals("no writable storage node in any group", assertThrows(UnavailableException.class, () -> p.choose(null)).getMessage());
        assertEquals("unknown group: g9", assertThrows(InvalidInputException.class, () -> p.choose("g9")).getMessage());
    }

    @Test
    void should_make_a_node_under_its_reserve_readonly_and_place_nothing_on_it() {
        tracker = tracker(0, Map.of("g3-b", 6_000L));
        assertEquals(NodeState.READONLY, tracker.state("g3-b"));
        assertEquals(NodeState.ACTIVE, tracker.state("g3-a"), "the global reserve (0) still applies to the others");
        Placement p = new Placement(tracker, Placement.Policy.FIXED, Placement.Policy.ROUND_ROBIN, "g3");
        assertEquals(Map.of("g3-a", 100), place(p, 100));
        tracker = tracker(1_000, Map.of("g3-b", 6_000L));
        assertEquals(NodeState.READONLY, tracker.state("g3-a"), "100 bytes free is under a 1000-byte reserve");
        Placement full = new Placement(tracker, Placement.Policy.FIXED, Placement.Policy.ROUND_ROBIN, "g3");
        assertThrows(UnavailableException.class, () -> full.choose(null));
    }

    @Test
    void should_refuse_a_fixed_policy_without_a_known_group() {
        assertThrows(IllegalArgumentException.class,
                () -> new Placement(tracker, Placement.Policy.FIXED, Placement.Policy.ROUND_ROBIN, "nope"));
        assertThrows(IllegalArgumentException.class,
                () -> new Placement(tracker, Placement.Policy.ROUND_ROBIN, Placement.Policy.FIXED, null));
        assertThrows(IllegalArgumentException.class, () -> Placement.Policy.of("random"));
    }
}
