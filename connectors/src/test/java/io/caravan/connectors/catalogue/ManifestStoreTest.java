package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Manifests on H2: segment hashes kept once per file; the first record stays. */
class ManifestStoreTest {

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
    void should_keep_the_first_record_of_a_files_segment_hashes() {
        ManifestStore manifests = db.catalogue.manifests();
        assertTrue(manifests.of("1-aaaaaaaaaaaa.bin").isEmpty());
        SegmentHashes first = new SegmentHashes(4, List.of("a".repeat(64), "b".repeat(64)));
        manifests.save("1-aaaaaaaaaaaa.bin", first);
        manifests.save("1-aaaaaaaaaaaa.bin", new SegmentHashes(8, List.of("c".repeat(64))));
        assertEquals(first, manifests.of("1-aaaaaaaaaaaa.bin").orElseThrow());
    }
}
