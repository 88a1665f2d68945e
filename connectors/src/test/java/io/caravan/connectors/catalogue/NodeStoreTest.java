package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The nodes and node_config tables on H2: the shared view of nodes, runtime nodes, and forgetting one. */
class NodeStoreTest {

    private CatalogueFixture db;
    private NodeStore nodes;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        nodes = db.catalogue.nodes();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_keep_one_row_per_node_with_its_last_state() {
        nodes.save(new NodeRow("g1-a", "g1", "disk", "ACTIVE", 100L, Instant.now(), null));
        nodes.save(new NodeRow("g1-b", "g1", "disk", "SYNCING", null, null, "x".repeat(2000)));
        nodes.save(new NodeRow("g1-a", "g1", "disk", "DRAINED", 90L, Instant.now(), null));
        assertEquals(Map.of("g1-a", "DRAINED", "g1-b", "SYNCING"), nodes.states());
    }

    @Test
    void should_forget_a_runtime_node_with_its_replicas() {
        FileRecord f = db.store("1-aaaaaaaaaaaa.bin", 10);
        db.catalogue.replicas().recordVerified(f.blob(), "g1-c", null, null, 1L, null);
        nodes.saveConfig("g1-c", "group=g1\nkind=disk\n");
        nodes.save(new NodeRow("g1-c", "g1", "disk", "ACTIVE", 1L, Instant.now(), null));
        assertEquals(Map.of("g1-c", "group=g1\nkind=disk\n"), nodes.configs());

        nodes.forget("g1-c");
        assertTrue(nodes.configs().isEmpty());
        assertTrue(!nodes.states().containsKey("g1-c"));
        assertEquals(1, db.catalogue.replicas().of(f.blob()).size(), "only g1-a's copy is left");
    }
}
