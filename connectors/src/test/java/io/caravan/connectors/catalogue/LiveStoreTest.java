package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.caravan.connectors.catalogue.LiveStore.LiveFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Live streams on H2: starts (also racing), the limit, segments replaced and removed, the end, the purge. */
class LiveStoreTest {

    private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    private CatalogueFixture db;
    private LiveStore live;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        live = db.catalogue.live();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private LiveStore.Start start(String name, Instant at) {
        return live.start(name, true, 2, at, s -> CatalogueFixture.event("caravan.live.started", s.name()));
    }

    private boolean add(String stream, long session, String name, String id, Instant at) {
        return live.addFile(new LiveFile(id, stream, session, name, null, null, null, at, null, null, null), CatalogueFixture.file(id, 10),
                "g1-a", 1L, CatalogueFixture.event("caravan.file.stored", id), at, false);
    }

    @Test
    void should_start_once_when_two_writes_race_and_refuse_past_the_limit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<LiveStore.Start>> racers = List.of(() -> start("cam", T), () -> start("cam", T), () -> start("cam", T), () -> start("cam", T));
            int started = 0;
            for (Future<LiveStore.Start> f : pool.invokeAll(racers)) {
                LiveStore.Start s = f.get();
                assertFalse(s.refused());
                started += s.started() ? 1 : 0;
            }
            assertEquals(1, started, "one session, one started event");
        } finally {
            pool.shutdown();
        }
        assertEquals(1, live.stream("cam").orElseThrow().session());
        assertTrue(start("two", T).started());
        assertTrue(start("three", T).refused(), "two LIVE already");
        assertTrue(live.stream("three").isEmpty(), "a refused start leaves no stream behind");
    }

    @Test
    void should_replace_a_segment_sent_again_and_serve_a_removed_one_until_it_expires() {
        long session = start("cam", T).stream().session();
        assertTrue(add("cam", session, "seg0.ts", "1-aaaaaaaaaaaa.ts", T));
        assertTrue(add("cam", session, "seg0.ts", "2-aaaaaaaaaaaa.ts", T.plusSeconds(1)));
        assertEquals("2-aaaaaaaaaaaa.ts", live.file("cam", "seg0.ts").orElseThrow().fileId(), "the newest of a name");
        assertEquals(1, live.due(T.plusSeconds(1), 10).size(), "the replaced one's bytes go at once");

        assertTrue(live.remove("cam", "seg0.ts", T.plusSeconds(2), f -> T.plusSeconds(8), false));
        LiveFile removed = live.file("cam", "seg0.ts").orElseThrow();
        assertEquals(T.plusSeconds(8), removed.expires());
        assertTrue(live.current("cam").isEmpty(), "no longer current");
        assertEquals(1, live.due(T.plusSeconds(7), 10).size(), "only the replaced one is due before it expires");
        assertEquals(2, live.due(T.plusSeconds(8), 10).size());
        assertFalse(live.remove("cam", "seg0.ts", T.plusSeconds(3), f -> T, false), "removed already");
    }

    @Test
    void should_end_an_idle_stream_once_and_refuse_its_late_segments_unless_listed() {
        long session = start("cam", T).stream().session();
        assertTrue(add("cam", session, "seg0.ts", "1-aaaaaaaaaaaa.ts", T));
        assertEquals(List.of(), live.endIdle(T.minusSeconds(1), T, s -> CatalogueFixture.event("caravan.live.ended", s.name())));
        assertEquals(List.of("cam"), live.endIdle(T.plusSeconds(10), T.plusSeconds(10), s -> CatalogueFixture.event("caravan.live.ended", s.name())));
        assertEquals(List.of(), live.endIdle(T.plusSeconds(20), T.plusSeconds(20), s -> CatalogueFixture.event("caravan.live.ended", s.name())),
                "ended once");
        assertEquals(LiveStore.ENDED, live.stream("cam").orElseThrow().state());
        assertFalse(add("cam", session, "seg1.ts", "2-aaaaaaaaaaaa.ts", T.plusSeconds(11)), "not LIVE");
        assertTrue(live.addFile(new LiveFile("3-aaaaaaaaaaaa.ts", "cam", session, "seg1.ts", null, 1L, 2000L, T, null, null, null),
                CatalogueFixture.file("3-aaaaaaaaaaaa.ts", 10), "g1-a", 1L, CatalogueFixture.event("caravan.file.stored", "3"), T, true),
                "a late segment its final playlist lists");
        assertTrue(db.catalogue.files().findStored("2-aaaaaaaaaaaa.ts").isEmpty(), "nothing of the refused one");
    }

    @Test
    void should_keep_a_recorded_session_until_its_recording_then_purge_it_whole() {
        long session = start("cam", T).stream().session();
        assertTrue(add("cam", session, "seg0.ts", "1-aaaaaaaaaaaa.ts", T));
        assertTrue(add("cam", session, "seg1.ts", "2-aaaaaaaaaaaa.ts", T));
        assertTrue(live.remove("cam", "seg0.ts", T.plusSeconds(2), f -> T.plusSeconds(8), true));
        assertEquals(List.of(), live.due(T.plusSeconds(60), 10), "kept for the recording");
        live.endIdle(T.plusSeconds(30), T.plusSeconds(30), s -> CatalogueFixture.event("caravan.live.ended", s.name()));
        assertTrue(live.finish("cam", session, "9-aaaaaaaaaaaa.mp4", LiveStore.RECORDED, null, T.plusSeconds(40),
                s -> CatalogueFixture.event("caravan.live.recorded", s.name())));
        assertEquals("9-aaaaaaaaaaaa.mp4", live.stream("cam").orElseThrow().recording());
        assertNull(live.stream("cam").orElseThrow().recordingError());
        List<LiveFile> due = live.due(T.plusSeconds(40), 10);
        assertEquals(2, due.size());
        due.forEach(f -> live.purge(f, CatalogueFixture.event("caravan.file.deleted", f.fileId())));
        assertTrue(db.catalogue.files().findStored("1-aaaaaaaaaaaa.ts").isEmpty());
        assertTrue(live.file("cam", "seg1.ts").isEmpty(), "forgotten");
        assertFalse(live.finish("cam", session + 1, null, LiveStore.RECORDED, null, T, null), "another session");
    }
}
