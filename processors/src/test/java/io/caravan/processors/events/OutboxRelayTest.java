package io.caravan.processors.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.MemoryDatabase;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

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

    private void store(String id) {
        FileRecord f = new FileRecord(id, id, 1, "0".repeat(64), "text/plain", "g1", FileRecord.STORED, Instant.now(), null);
        catalogue.files().insertStored(f, java.util.Map.of(), "g1-a", 1L, CloudEvents.fileEvent(CloudEvents.FILE_STORED, f, "g1-a"));
    }

    @Test
    void should_prune_only_events_that_were_published() {
        store("1-aaaaaaaaaaaa.txt");
        store("2-aaaaaaaaaaaa.txt");
        OutboxRelay relay = new OutboxRelay(catalogue.outbox(), 200, Duration.ofHours(1));
        List<OutboxEvent> pending = relay.pending();
        assertEquals(2, pending.size());
        relay.markSent(pending.subList(0, 1));

        assertEquals(0, relay.prune(), "published, but not long enough ago");
        OutboxRelay now = new OutboxRelay(catalogue.outbox(), 200, Duration.ofMillis(-1000));
        assertEquals(1, now.prune(), "the published event goes");
        assertEquals(1, catalogue.outbox().unsent(), "the unpublished one stays");
        assertEquals(pending.get(1).seq(), relay.pending().get(0).seq());
    }
}
