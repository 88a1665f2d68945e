package io.caravan.connectors.catalogue;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.h2.jdbcx.JdbcConnectionPool;

/** A fresh in-memory catalogue with Caravan's schema, and files and events to put in it. */
final class CatalogueFixture implements AutoCloseable {

    final JdbcConnectionPool ds;
    final Catalogue catalogue;

    CatalogueFixture() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
    }

    /** A stored-file record of {@code size} bytes in group g1 whose SHA-256 is made from the size. */
    static FileRecord file(String id, long size) {
        return new FileRecord(id, id, size, sha(size), "text/plain", "g1", FileRecord.STORED, Instant.now(), null);
    }

    static String sha(long size) {
        return Long.toHexString(size).repeat(64).substring(0, 64);
    }

    /** An event about {@code fileId}, as the outbox keeps it. */
    static OutboxEvent event(String type, String fileId) {
        String id = UUID.randomUUID().toString();
        return OutboxEvent.of(id, fileId, type, "{\"id\":\"" + id + "\",\"type\":\"" + type + "\"}");
    }

    /** The deleted event of a derived file deleted with its source. */
    static OutboxEvent deleted(FileRecord derived) {
        return event("caravan.file.deleted", derived.id());
    }

    /** Stores {@code f} with its first verified copy on g1-a (modification time 7). */
    FileRecord store(FileRecord f, Map<String, String> meta) {
        catalogue.files().insertStored(f, meta, "g1-a", 7L, event("caravan.file.stored", f.id()));
        return f;
    }

    FileRecord store(String id, long size) {
        return store(file(id, size), Map.of());
    }

    @Override
    public void close() {
        ds.dispose();
    }
}
