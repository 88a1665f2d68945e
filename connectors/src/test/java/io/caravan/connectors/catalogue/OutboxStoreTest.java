package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbox on H2: pending events in order, marked sent, pruned only once sent and old. */
class OutboxStoreTest {

    private CatalogueFixture db;
    private OutboxStore outbox;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        outbox = db.catalogue.outbox();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_hand_out_events_in_order_and_prune_only_the_sent_ones() {
        for (int i = 1; i <= 3; i++) {
            db.store(i + "-aaaaaaaaaaaa.bin", i);
        }
        List<OutboxEvent> pending = outbox.pending(10);
        assertEquals(List.of("1-aaaaaaaaaaaa.bin", "2-aaaaaaaaaaaa.bin", "3-aaaaaaaaaaaa.bin"),
                pending.stream().map(OutboxEvent::fileId).toList());
        assertEquals(2, outbox.pending(2).size());

        outbox.markSent(List.of(pending.get(0).seq(), pending.get(1).seq()));
        assertEquals(1, outbox.unsent());
        assertEquals(List.of(pending.get(2).seq()), outbox.pending(10).stream().map(OutboxEvent::seq).toList());
        assertEquals(pending.get(2).payload(), outbox.pending(10).get(0).payload());

        assertEquals(0, outbox.pruneSent(Instant.now().minusSeconds(3600)), "sent, but not before an hour ago");
        assertEquals(2, outbox.pruneSent(Instant.now().plusSeconds(1)));
        assertEquals(1, outbox.unsent(), "the unsent one stays");
    }
}
