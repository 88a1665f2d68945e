package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The replicas table on H2: verified copies recorded a batch at a time, bad copies, per-node counts. */
class ReplicaStoreTest {

    private CatalogueFixture db;
    private ReplicaStore replicas;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        replicas = db.catalogue.replicas();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_record_a_batch_of_copies_with_their_positions_and_events_in_one_call() {
        FileRecord a = db.store("1-aaaaaaaaaaaa.bin", 10);
        FileRecord b = db.store("2-aaaaaaaaaaaa.bin", 20);
        long before = db.catalogue.outbox().unsent();

        replicas.recordVerified("g1-b", List.of(
                new VerifiedCopy(a.blob(), 2, 40L, 111L, CatalogueFixture.event("caravan.replica.synced", a.id())),
                new VerifiedCopy(b.blob(), 3, 41L, 222L, CatalogueFixture.event("caravan.replica.synced", b.id()))));

        Replica copyOfB = replicas.of(b.blob()).stream().filter(r -> r.node().equals("g1-b")).findFirst().orElseThrow();
        assertTrue(copyOfB.isVerified());
        assertEquals(3, copyOfB.partition());
        assertEquals(41L, copyOfB.offset());
        assertEquals(222L, copyOfB.verifiedMtime());
        assertEquals(2, replicas.of(a.blob()).size());
        assertEquals(before + 2, db.catalogue.outbox().unsent(), "one replica.synced event per copy");

        // recorded again (a redelivered batch): the row is updated, not doubled; a check without a position keeps it
        replicas.recordVerified("g1-b", List.of(new VerifiedCopy(a.blob(), 2, 45L, 333L, null)));
        replicas.recordVerified(a.blob(), "g1-b", null, null, 444L, null);
        List<Replica> ofA = replicas.of(a.blob());
        assertEquals(2, ofA.size());
        assertEquals(45L, ofA.get(1).offset());
        assertEquals(444L, ofA.get(1).verifiedMtime());
    }

    @Test
    void should_mark_a_bad_copy_and_count_only_verified_ones() {
        FileRecord a = db.store("1-aaaaaaaaaaaa.bin", 10);
        FileRecord b = db.store("2-aaaaaaaaaaaa.bin", 20);
        replicas.recordVerified(a.blob(), "g1-b", 0, 1L, 5L, null);
        assertEquals(2, replicas.verifiedOn("g1-a"));
        assertEquals(1, replicas.onlyCopiesOn("g1-a"), "b is only on g1-a");

        replicas.mark(a.blob(), "g1-b", Replica.BAD);
        assertEquals(Replica.BAD, replicas.of(a.blob()).get(1).state());
        assertEquals(0, replicas.verifiedOn("g1-b"));
        assertEquals(2, replicas.onlyCopiesOn("g1-a"), "a bad copy does not count as a copy");

        replicas.remove(b.blob(), "g1-a");
        assertEquals(List.of(), replicas.of(b.blob()));
        assertEquals(1, replicas.verifiedOn("g1-a"));
    }
}
