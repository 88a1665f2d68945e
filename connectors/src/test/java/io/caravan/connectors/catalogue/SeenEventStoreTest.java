package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seen events on H2: an event is taken once per consumer group, forgotten when removed or old. */
class SeenEventStoreTest {

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
    void should_take_an_event_once_per_consumer() {
        SeenEventStore seen = db.catalogue.seenEvents();
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        assertTrue(seen.add("poster", "e1", now));
        assertFalse(seen.add("poster", "e1", now), "the second delivery of e1 is a duplicate");
        assertTrue(seen.add("mirror", "e1", now), "another group takes it on its own");
        assertTrue(seen.contains("poster", "e1"));
        assertFalse(seen.contains("poster", "e2"));

        assertTrue(seen.remove("poster", "e1"));
        assertTrue(seen.add("poster", "e1", now), "removed (failed): taken again");
    }

    @Test
    void should_forget_what_is_older_than_the_retention() {
        SeenEventStore seen = db.catalogue.seenEvents();
        seen.add("poster", "old", Instant.parse("2026-11-01T00:00:00Z"));
        seen.add("poster", "new", Instant.parse("2026-12-01T00:00:00Z"));
        assertEquals(1, seen.prune(Instant.parse("2026-11-20T00:00:00Z")));
        assertFalse(seen.contains("poster", "old"));
        assertTrue(seen.contains("poster", "new"));
        assertEquals(1, seen.clear("poster"));
    }
}
