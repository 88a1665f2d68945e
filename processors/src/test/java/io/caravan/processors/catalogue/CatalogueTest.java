package io.caravan.processors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caravan.processors.MemoryDatabase;
import io.caravan.processors.replicate.CloudEvents;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The catalogue's batch reads and writes, which the replicator applies a polled batch of events with. */
class CatalogueTest {

    private JdbcConnectionPool ds;
    private Catalogue catalogue;

    @BeforeEach
    void database() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
    }

    @AfterEach
    void close() {
        ds.dispose();
    }

    private FileRecord store(String id, long size) {
        FileRecord f = new FileRecord(id, id, size, Long.toHexString(size).repeat(64).substring(0, 64),
                "text/plain", "g1", FileRecord.STORED, Instant.now(), null);
        catalogue.insertStored(f, Map.of(), "g1-a", 7L, CloudEvents.fileEvent(CloudEvents.FILE_STORED, f, "g1-a"));
        return f;
    }

    @Test
    void should_read_the_stored_files_of_a_batch_with_their_replicas_across_in_lists() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 501; i++) { // one more than an IN list takes
            ids.add(store(String.format("%d-aaaaaaaaaaaa.bin", i), i + 1).id());
        }
        catalogue.markDeleted(ids.get(3), CloudEvents.fileEvent(CloudEvents.FILE_DELETED,
                catalogue.find(ids.get(3)).orElseThrow(), null));
        List<String> asked = new ArrayList<>(ids);
        asked.add("999-unknown.bin");
        asked.add(ids.get(0)); // a repeat

        Map<String, StoredFile> found = catalogue.stored(asked);

        assertEquals(500, found.size(), "501 stored, one deleted, one unknown");
        assertTrue(!found.containsKey(ids.get(3)) && !found.containsKey("999-unknown.bin"));
        StoredFile last = found.get(ids.get(500));
        assertEquals(501, last.file().size());
        assertEquals(Long.toHexString(501).repeat(64).substring(0, 64), last.file().sha256());
        assertEquals(List.of("g1-a"), last.replicas().stream().map(Replica::node).toList());
        assertEquals(7L, last.replicas().get(0).verifiedMtime());
        assertEquals(catalogue.stored(ids.get(500)).orElseThrow(), last, "the one-file read agrees");
    }

    @Test
    void should_record_a_batch_of_copies_with_their_positions_and_events_in_one_call() {
        FileRecord a = store("1-aaaaaaaaaaaa.bin", 10);
        FileRecord b = store("2-aaaaaaaaaaaa.bin", 20);
        long before = catalogue.unsentEvents();

        catalogue.recordVerified("g1-b", List.of(
                new Catalogue.VerifiedCopy(a.blob(), 2, 40L, 111L, CloudEvents.fileEvent(CloudEvents.REPLICA_SYNCED, a, "g1-b")),
                new Catalogue.VerifiedCopy(b.blob(), 3, 41L, 222L, CloudEvents.fileEvent(CloudEvents.REPLICA_SYNCED, b, "g1-b"))));

        Replica copyOfB = catalogue.stored(b.id()).orElseThrow().replicas().stream()
                .filter(r -> r.node().equals("g1-b")).findFirst().orElseThrow();
        assertTrue(copyOfB.isVerified());
        assertEquals(3, copyOfB.partition());
        assertEquals(41L, copyOfB.offset());
        assertEquals(222L, copyOfB.verifiedMtime());
        assertEquals(2, catalogue.stored(a.id()).orElseThrow().replicas().size());
        assertEquals(before + 2, catalogue.unsentEvents(), "one replica.synced event per copy");

        // recorded again (a redelivered batch): the row is updated, not doubled
        catalogue.recordVerified("g1-b", List.of(new Catalogue.VerifiedCopy(a.blob(), 2, 45L, 333L, null)));
        List<Replica> replicasOfA = catalogue.stored(a.id()).orElseThrow().replicas();
        assertEquals(2, replicasOfA.size());
        assertEquals(45L, replicasOfA.get(1).offset());
        assertEquals(333L, replicasOfA.get(1).verifiedMtime());
    }

    @Test
    void should_name_only_the_blobs_that_no_stored_file_uses() {
        FileRecord kept = store("1-aaaaaaaaaaaa.bin", 10);
        FileRecord gone = store("2-aaaaaaaaaaaa.bin", 20);
        catalogue.markDeleted(gone.id(), CloudEvents.fileEvent(CloudEvents.FILE_DELETED, gone, null));

        assertEquals(Set.of(gone.blob(), "never-stored"),
                catalogue.unusedBlobs(List.of(kept.blob(), gone.blob(), "never-stored")));
        assertEquals(Set.of(), catalogue.unusedBlobs(List.of()));
    }
}
