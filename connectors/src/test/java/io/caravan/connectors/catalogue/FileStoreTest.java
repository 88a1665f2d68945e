package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The files table on H2: stored, shared and deleted files, and the reads the replicator and the scrub make. */
class FileStoreTest {

    private CatalogueFixture db;
    private FileStore files;

    @BeforeEach
    void database() throws Exception {
        db = new CatalogueFixture();
        files = db.catalogue.files();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void should_read_the_stored_files_of_a_batch_with_their_replicas_across_in_lists() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 501; i++) { // one more than an IN list takes
            ids.add(db.store(String.format("%d-aaaaaaaaaaaa.bin", i), i + 1).id());
        }
        files.markDeleted(ids.get(3), CatalogueFixture.event("caravan.file.deleted", ids.get(3)), CatalogueFixture::deleted);
        List<String> asked = new ArrayList<>(ids);
        asked.add("999-unknown.bin");
        asked.add(ids.get(0)); // a repeat

        Map<String, StoredFile> found = files.stored(asked);

        assertEquals(500, found.size(), "501 stored, one deleted, one unknown");
        assertTrue(!found.containsKey(ids.get(3)) && !found.containsKey("999-unknown.bin"));
        StoredFile last = found.get(ids.get(500));
        assertEquals(501, last.file().size());
        assertEquals(CatalogueFixture.sha(501), last.file().sha256());
        assertEquals(List.of("g1-a"), last.replicas().stream().map(Replica::node).toList());
        assertEquals(7L, last.replicas().get(0).verifiedMtime());
        assertEquals(files.stored(ids.get(500)).orElseThrow(), last, "the one-file read agrees");
    }

    @Test
    void should_store_a_file_with_its_replica_and_event_and_delete_it_once() {
        FileRecord f = db.store("1-aaaaaaaaaaaa.bin", 10);
        assertEquals(1, db.catalogue.outbox().unsent());
        assertEquals(Optional.of(f.id()), files.findStored(f.id()).map(FileRecord::id));

        assertTrue(files.markDeleted(f.id(), CatalogueFixture.event("caravan.file.deleted", f.id()), CatalogueFixture::deleted));
        assertFalse(files.markDeleted(f.id(), CatalogueFixture.event("caravan.file.deleted", f.id()), CatalogueFixture::deleted), "deleted already");
        assertEquals(2, db.catalogue.outbox().unsent(), "one event for the store, one for the delete, none for the refused delete");
        assertEquals(FileRecord.DELETED, files.find(f.id()).orElseThrow().state(), "the tombstone stays");
        assertTrue(files.findStored(f.id()).isEmpty());
        assertTrue(files.stored(f.id()).isEmpty());
    }

    @Test
    void should_share_a_blob_only_while_a_stored_file_uses_it() {
        FileRecord first = db.store("1-aaaaaaaaaaaa.bin", 10);
        assertEquals(Optional.of(first.id()), files.sameContent("g1", first.sha256(), 10).map(FileRecord::id));
        assertTrue(files.sameContent("g2", first.sha256(), 10).isEmpty(), "another group does not share");
        assertTrue(files.sameContent(null, first.sha256(), 11).isEmpty(), "another size is other content");

        FileRecord second = new FileRecord("2-aaaaaaaaaaaa.bin", "copy.bin", 10, first.sha256(), "text/plain", "g1",
                FileRecord.STORED, Instant.now(), first.blob());
        assertTrue(files.insertSharing(second, Map.of(), CatalogueFixture.event("caravan.file.stored", second.id())));
        assertEquals(List.of("g1-a"), files.stored(second.id()).orElseThrow().replicas().stream().map(Replica::node).toList(),
                "the new id reads the shared blob's replicas");

        files.markDeleted(first.id(), CatalogueFixture.event("caravan.file.deleted", first.id()), CatalogueFixture::deleted);
        assertEquals(Optional.of("g1"), files.blobGroup(first.blob()), "the second file still uses the bytes");
        files.markDeleted(second.id(), CatalogueFixture.event("caravan.file.deleted", second.id()), CatalogueFixture::deleted);
        assertTrue(files.blobGroup(first.blob()).isEmpty(), "no stored file uses the bytes any more");

        FileRecord third = new FileRecord("3-aaaaaaaaaaaa.bin", "late.bin", 10, first.sha256(), "text/plain", "g1",
                FileRecord.STORED, Instant.now(), first.blob());
        assertFalse(files.insertSharing(third, Map.of(), CatalogueFixture.event("caravan.file.stored", third.id())));
        assertTrue(files.find(third.id()).isEmpty(), "nothing written");
    }

    @Test
    void should_name_only_the_blobs_that_no_stored_file_uses() {
        FileRecord kept = db.store("1-aaaaaaaaaaaa.bin", 10);
        FileRecord gone = db.store("2-aaaaaaaaaaaa.bin", 20);
        files.markDeleted(gone.id(), CatalogueFixture.event("caravan.file.deleted", gone.id()), CatalogueFixture::deleted);

        assertEquals(Set.of(gone.blob(), "never-stored"), files.unusedBlobs(List.of(kept.blob(), gone.blob(), "never-stored")));
        assertEquals(Set.of(), files.unusedBlobs(List.of()));
    }

    @Test
    void should_page_through_stored_files_in_id_order() {
        for (int i = 1; i <= 5; i++) {
            db.store(i + "-aaaaaaaaaaaa.bin", i);
        }
        files.markDeleted("3-aaaaaaaaaaaa.bin", CatalogueFixture.event("caravan.file.deleted", "3-aaaaaaaaaaaa.bin"), CatalogueFixture::deleted);
        assertEquals(List.of("1-aaaaaaaaaaaa.bin", "2-aaaaaaaaaaaa.bin"), files.storedAfter("", 2).stream().map(FileRecord::id).toList());
        assertEquals(List.of("4-aaaaaaaaaaaa.bin", "5-aaaaaaaaaaaa.bin"),
                files.storedAfter("2-aaaaaaaaaaaa.bin", 2).stream().map(FileRecord::id).toList());
    }

    @Test
    void should_tell_the_write_listeners_of_every_change_to_a_file() {
        List<String> heard = new ArrayList<>();
        db.catalogue.onWrite(heard::add);
        FileRecord f = db.store("1-aaaaaaaaaaaa.bin", 10);
        files.markDeleted(f.id(), CatalogueFixture.event("caravan.file.deleted", f.id()), CatalogueFixture::deleted);
        db.catalogue.replicas().remove(f.blob(), "g1-a");
        assertEquals(List.of(f.id(), f.id(), f.blob()), heard);
    }
}
