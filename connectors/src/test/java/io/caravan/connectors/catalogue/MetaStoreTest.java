package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** File metadata and the search on H2: changes committed with their event, search ignoring case and accents. */
class MetaStoreTest {

    private CatalogueFixture db;
    private MetaStore meta;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        meta = db.catalogue.meta();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_set_and_remove_keys_and_search_by_the_new_values() {
        FileRecord f = db.store(CatalogueFixture.file("1-aaaaaaaaaaaa.mp3", 10), Map.of("artist", "Nobody"));
        Map<String, String> changes = new HashMap<>();
        changes.put("Title", "Beyoncé Live");
        changes.put("artist", null);
        Map<String, String> updated = meta.update(f.id(), changes, (file, m) -> CatalogueFixture.event("caravan.file.meta-changed", file.id()))
                .orElseThrow();

        assertEquals(Map.of("title", "Beyoncé Live"), updated);
        assertEquals(updated, meta.of(f.id()));
        assertEquals(2, db.catalogue.outbox().unsent(), "stored, then meta-changed");
        assertEquals(List.of(f.id()), ids(meta.search(query("BEYONCE", null, null))), "case and accents ignored");
        assertEquals(List.of(), ids(meta.search(query("nobody", null, null))), "the removed value is no longer found");
        assertTrue(meta.update("9-unknown.bin", Map.of("a", "b"), (file, m) -> null).isEmpty());
    }

    @Test
    void should_change_nothing_when_the_result_breaks_the_rules() {
        FileRecord f = db.store(CatalogueFixture.file("1-aaaaaaaaaaaa.mp3", 10), Map.of("artist", "Nobody"));
        assertThrows(IllegalArgumentException.class,
                () -> meta.update(f.id(), Map.of("bad key!", "x"), (file, m) -> CatalogueFixture.event("x", file.id())));
        assertEquals(Map.of("artist", "Nobody"), meta.of(f.id()));
        assertEquals(1, db.catalogue.outbox().unsent(), "no event for the refused change");
    }

    @Test
    void should_filter_by_type_and_group_and_page_newest_first() {
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 5; i++) {
            FileRecord f = new FileRecord(i + "-aaaaaaaaaaaa.mp3", "song " + i, 10, CatalogueFixture.sha(i), i % 2 == 0 ? "audio/mpeg" : "video/mp4",
                    i < 4 ? "g1" : "g2", FileRecord.STORED, t.plusSeconds(i), null);
            db.store(f, Map.of());
        }
        assertEquals(List.of("4-aaaaaaaaaaaa.mp3", "2-aaaaaaaaaaaa.mp3", "0-aaaaaaaaaaaa.mp3"), ids(meta.search(query("song", "audio/", null))));
        assertEquals(List.of("3-aaaaaaaaaaaa.mp3", "1-aaaaaaaaaaaa.mp3"), ids(meta.search(query(null, "video", "g1"))));
        List<FileRecord> first = meta.search(new FileQuery(null, null, null, null, null, 2));
        assertEquals(List.of("4-aaaaaaaaaaaa.mp3", "3-aaaaaaaaaaaa.mp3"), ids(first));
        FileRecord last = first.get(1);
        assertEquals(List.of("2-aaaaaaaaaaaa.mp3", "1-aaaaaaaaaaaa.mp3"),
                ids(meta.search(new FileQuery(null, null, null, last.created(), last.id(), 2))), "the page after the cursor");
        assertEquals(List.of(), ids(meta.search(query("100%_", null, null))), "LIKE wildcards are literal");
    }

    private static FileQuery query(String text, String type, String group) {
        return new FileQuery(text, type, group, null, null, 50);
    }

    private static List<String> ids(List<FileRecord> files) {
        return files.stream().map(FileRecord::id).toList();
    }
}
