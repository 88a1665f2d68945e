package io.caravan.processors.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.processors.support.InvalidInputException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Paging through a search on H2: every file once, newest first, a cursor on every page but the last. */
class FileSearchTest {

    private JdbcConnectionPool ds;
    private Catalogue catalogue;
    private FileSearch search;

    @BeforeEach
    void database() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
        search = new FileSearch(catalogue.meta());
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 1001; i++) {
            String id = i + "-aaaaaaaaaaaa.mp3";
            FileRecord f = new FileRecord(id, "song " + i + ".mp3", 1, "a".repeat(64), "audio/mpeg", "g1", FileRecord.STORED,
                    t.plusSeconds(i / 3), null); // three files share each creation time: the cursor's id breaks the tie
            catalogue.files().insertStored(f, Map.of("n", String.valueOf(i)), "g1-a", 1L, OutboxEvent.of("e" + i, id, "caravan.file.stored", "{}"));
        }
    }

    @AfterEach
    void close() {
        ds.dispose();
    }

    @Test
    void should_page_through_every_file_once_at_the_largest_page() {
        List<String> seen = new ArrayList<>();
        List<Integer> pages = new ArrayList<>();
        String cursor = null;
        do {
            FileSearch.Page page = search.search("song", null, null, FileSearch.MAX_LIMIT, cursor, false);
            page.files().forEach(f -> seen.add(f.id()));
            pages.add(page.files().size());
            assertEquals(String.valueOf(Integer.parseInt(page.files().get(0).id().split("-")[0])),
                    page.meta().get(page.files().get(0).id()).get("n"), "each file with its metadata");
            cursor = page.next();
        } while (cursor != null);
        assertEquals(List.of(500, 500, 1), pages, "a next cursor on every full page");
        Set<String> unique = new HashSet<>(seen);
        assertEquals(1001, unique.size(), "every file once");
        assertEquals(List.of("999-aaaaaaaaaaaa.mp3", "1000-aaaaaaaaaaaa.mp3", "998-aaaaaaaaaaaa.mp3"), seen.subList(0, 3),
                "newest first; files of the same second by id, descending as text");
    }

    @Test
    void should_end_on_an_exact_page_without_a_cursor_and_refuse_bad_input() {
        FileSearch.Page all = search.search("song 100", null, null, 2, null, false);
        assertEquals(List.of("1000-aaaaaaaaaaaa.mp3", "100-aaaaaaaaaaaa.mp3"), all.files().stream().map(FileRecord::id).toList());
        assertNull(all.next(), "a full page that is the last has no cursor");
        FileSearch.Page first = search.search("song 100", null, null, 1, null, false);
        assertEquals(List.of("100-aaaaaaaaaaaa.mp3"),
                search.search("song 100", null, null, 1, first.next(), false).files().stream().map(FileRecord::id).toList());
        assertThrows(InvalidInputException.class, () -> search.search(null, null, null, 0, null, false));
        assertThrows(InvalidInputException.class, () -> search.search(null, null, null, 501, null, false));
        assertThrows(InvalidInputException.class, () -> search.search(null, null, null, 10, "not-a-cursor", false));
    }
}
