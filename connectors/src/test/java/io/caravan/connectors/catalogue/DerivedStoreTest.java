package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Derived files on H2: one stored file per source and kind, replaced by the next one, deleted with the source. */
class DerivedStoreTest {

    private CatalogueFixture db;
    private DerivedStore derived;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        derived = db.catalogue.derived();
    }

    @AfterEach
    void close() {
        db.close();
    }

    private boolean derive(String id, String source, String kind) {
        FileRecord f = CatalogueFixture.file(id, 5);
        return derived.insert(f, Map.of(), new Derivation(source, kind), "g1-a", 1L,
                CatalogueFixture.event("caravan.file.stored", id), CatalogueFixture::deleted);
    }

    private List<String> of(String source) {
        return derived.of(source).stream().map(d -> d.kind() + "=" + d.file().id()).toList();
    }

    @Test
    void should_keep_one_stored_file_per_source_and_kind() {
        db.store("1-aaaaaaaaaaaa.mp4", 100);
        long events = db.catalogue.outbox().unsent();
        assertTrue(derive("2-aaaaaaaaaaaa.jpg", "1-aaaaaaaaaaaa.mp4", "poster"));
        assertTrue(derive("3-aaaaaaaaaaaa.m4a", "1-aaaaaaaaaaaa.mp4", "audio-128k"));
        assertEquals(List.of("audio-128k=3-aaaaaaaaaaaa.m4a", "poster=2-aaaaaaaaaaaa.jpg"), of("1-aaaaaaaaaaaa.mp4"));
        assertEquals(Optional.of(new Derivation("1-aaaaaaaaaaaa.mp4", "poster")), derived.sourceOf("2-aaaaaaaaaaaa.jpg"));
        assertEquals(1, db.catalogue.replicas().of("2-aaaaaaaaaaaa.jpg").size(), "stored with its first replica");

        assertTrue(derive("4-aaaaaaaaaaaa.jpg", "1-aaaaaaaaaaaa.mp4", "poster"));
        assertEquals(List.of("audio-128k=3-aaaaaaaaaaaa.m4a", "poster=4-aaaaaaaaaaaa.jpg"), of("1-aaaaaaaaaaaa.mp4"));
        assertEquals(FileRecord.DELETED, db.catalogue.files().find("2-aaaaaaaaaaaa.jpg").orElseThrow().state(), "replaced");
        assertTrue(derived.sourceOf("2-aaaaaaaaaaaa.jpg").isEmpty());
        assertEquals(events + 4, db.catalogue.outbox().unsent(), "three stored events and the replaced poster's deleted event");
    }

    @Test
    void should_leave_derived_files_out_of_a_search_unless_asked() {
        db.store("1-aaaaaaaaaaaa.mp4", 100);
        assertTrue(derive("2-aaaaaaaaaaaa.jpg", "1-aaaaaaaaaaaa.mp4", "poster"));
        List<String> originals = db.catalogue.meta().search(new FileQuery(null, null, null, null, null, 50)).stream().map(FileRecord::id).toList();
        List<String> all = db.catalogue.meta().search(new FileQuery(null, null, null, null, null, 50, true)).stream().map(FileRecord::id).toList();
        assertEquals(List.of("1-aaaaaaaaaaaa.mp4"), originals);
        assertEquals(List.of("1-aaaaaaaaaaaa.mp4", "2-aaaaaaaaaaaa.jpg"), all.stream().sorted().toList());
    }

    @Test
    void should_refuse_a_derived_file_of_a_file_that_is_not_stored() {
        assertFalse(derive("2-aaaaaaaaaaaa.jpg", "9-aaaaaaaaaaaa.mp4", "poster"));
        assertTrue(db.catalogue.files().find("2-aaaaaaaaaaaa.jpg").isEmpty(), "nothing written");
    }

    @Test
    void should_delete_the_derived_files_with_their_source_all_the_way_down() {
        db.store("1-aaaaaaaaaaaa.mp4", 100);
        derive("2-aaaaaaaaaaaa.jpg", "1-aaaaaaaaaaaa.mp4", "poster");
        derive("3-aaaaaaaaaaaa.jpg", "2-aaaaaaaaaaaa.jpg", "thumbnail");
        db.store("5-aaaaaaaaaaaa.mp4", 100);
        derive("6-aaaaaaaaaaaa.jpg", "5-aaaaaaaaaaaa.mp4", "poster");
        long events = db.catalogue.outbox().unsent();

        assertTrue(db.catalogue.files().markDeleted("1-aaaaaaaaaaaa.mp4",
                CatalogueFixture.event("caravan.file.deleted", "1-aaaaaaaaaaaa.mp4"), CatalogueFixture::deleted));
        for (String gone : List.of("1-aaaaaaaaaaaa.mp4", "2-aaaaaaaaaaaa.jpg", "3-aaaaaaaaaaaa.jpg")) {
            assertTrue(db.catalogue.files().findStored(gone).isEmpty(), gone);
        }
        assertEquals(events + 3, db.catalogue.outbox().unsent(), "one deleted event each");
        assertEquals(List.of("poster=6-aaaaaaaaaaaa.jpg"), of("5-aaaaaaaaaaaa.mp4"), "another source's are kept");
    }
}
