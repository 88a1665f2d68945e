package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Id blocks on H2: consecutive, disjoint blocks per sequence. */
class IdBlockStoreTest {

    private CatalogueFixture db;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_hand_out_disjoint_blocks_per_sequence() {
        IdBlockStore blocks = db.catalogue.idBlocks();
        assertEquals(11, blocks.take("files", 10), "values 1 to 10, the next after them 11");
        assertEquals(16, blocks.take("files", 5), "values 11 to 15");
        assertEquals(4, blocks.take("other", 3), "another sequence starts at 1");
        assertEquals(116, blocks.take("files", 100));
    }
}
