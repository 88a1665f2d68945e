package io.caravan.processors.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.caravan.connectors.storage.DiskStorageNode;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.MemoryDatabase;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.http.CaravanException;
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
        StorageNodes nodes = new StorageNodes(List.of(
                node("g1-a", 500), node("g1-b", 900),
                node("g2-a", 700), node("g2-b", 800),
                node("g3-a", 100), node("g3-b", 5_000)));
        tracker = new Tracker(nodes, new Catalogue(ds));
        tracker.beat();
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
        Placement p = new Placement(tracker);
        Map<String, Integer> counts = place(p, 120);
        assertEquals(6, counts.size(), counts.toString());
        counts.values().forEach(n -> assertEquals(20, n, counts.toString()));
    }

    @Test
    void should_pick_the_group_whose_fullest_node_has_most_room() {
        Placement p = new Placement(tracker);
        p.setGroupPolicy(Placement.Policy.MOST_FREE);
        p.setNodePolicy(Placement.Policy.MOST_FREE);
        // g1: min 500, g2: min 700, g3: min 100 -> g2; within g2 the node with more room: g2-b
        assertEquals(Map.of("g2-b", 100), place(p, 100));
    }

    @Test
    void should_always_use_the_fixed_group() {
        Placement p = new Placement(tracker);
        p.setGroupPolicy(Placement.Policy.FIXED);
        p.setFixedGroup("g3");
        p.validate();
        assertEquals(Map.of("g3-a", 50, "g3-b", 50), place(p, 100));
    }

    @Test
    void should_skip_groups_without_a_writable_node_and_refuse_when_none_is_left() {
        Placement p = new Placement(tracker);
        tracker.drain("g1-a");
        tracker.drain("g1-b");
        tracker.drain("g2-a");
        Map<String, Integer> counts = place(p, 100);
        assertEquals(List.of("g2-b", "g3-a", "g3-b"), List.copyOf(counts.keySet()));
        tracker.drain("g2-b");
        tracker.drain("g3-a");
        tracker.drain("g3-b");
        CaravanException e = assertThrows(CaravanException.class, () -> p.choose(null));
        assertEquals(503, e.status());
        assertEquals(400, assertThrows(CaravanException.class, () -> p.choose("g9")).status());
    }

    @Test
    void should_make_a_node_under_its_reserve_readonly_and_place_nothing_on_it() {
        tracker.setReserveBytes("g3-b", 6_000);
        tracker.beat();
        assertEquals(NodeState.READONLY, tracker.state("g3-b"));
        assertEquals(NodeState.ACTIVE, tracker.state("g3-a"), "the global reserve (0) still applies to the others");
        Placement p = new Placement(tracker);
        p.setGroupPolicy(Placement.Policy.FIXED);
        p.setFixedGroup("g3");
        assertEquals(Map.of("g3-a", 100), place(p, 100));
        tracker.setReserveBytes(1_000);
        tracker.beat();
        assertEquals(NodeState.READONLY, tracker.state("g3-a"), "100 bytes free is under a 1000-byte reserve");
        assertEquals(503, assertThrows(CaravanException.class, () -> p.choose(null)).status());
    }

    @Test
    void should_refuse_a_fixed_policy_without_a_known_group() {
        Placement p = new Placement(tracker);
        p.setGroupPolicy(Placement.Policy.FIXED);
        p.setFixedGroup("nope");
        assertThrows(IllegalArgumentException.class, p::validate);
        assertThrows(IllegalArgumentException.class, () -> Placement.Policy.of("random"));
    }
}
