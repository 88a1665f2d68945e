package io.caravan.processors.serving;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.StoredFile;

/**
 * The stream route's short-lived cache of stored files, their replicas and their fixed response headers:
 * a hot file costs no database round trip per request.
 *
 * <p>Every write made through this gateway's catalogue evicts the file at once (and a read that raced
 * with a write is not cached); writes made by other gateways show after at most the cache time. Absent
 * and deleted files are never cached, so a file uploaded through another gateway is readable at once.
 *
 * <p>A file asked for in the second half of its cache time is read again in the background (refresh-ahead),
 * so a hot file never expires under its players: they would all miss at once and leave the network thread.
 */
public class ServedFiles {

    /** A stored file ready to serve: its row, its replica rows and the header values computed once. */
    public record ServedFile(FileRecord file, List<Replica> replicas, String lastModified, String disposition) {

        public static ServedFile of(StoredFile stored) {
            FileRecord f = stored.file();
            return new ServedFile(f, stored.replicas(), HttpConditions.HTTP_DATE.format(f.created()),
                    ServingPolicy.disposition(f.contentType(), f.name()));
        }
    }

    private record Entry(ServedFile file, long loadedNanos) { }

    private final Catalogue catalogue;
    private final long ttlNanos;
    private final int maxEntries;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private final Executor refresher;

    /**
     * @param ttl        how long an entry is used before the catalogue is read again ({@code caravan.http.read-cache}; zero turns the cache off)
     * @param maxEntries how many files are kept at most; when full the cache starts over ({@code caravan.http.read-cache-size})
     */
    public ServedFiles(Catalogue catalogue, Duration ttl, int maxEntries) {
        this(catalogue, ttl, maxEntries, RefreshAhead.EXECUTOR);
    }

    /** @param refresher where the refresh-ahead reads run */
    public ServedFiles(Catalogue catalogue, Duration ttl, int maxEntries, Executor refresher) {
        this.refresher = refresher;
        this.catalogue = catalogue;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        catalogue.onWrite(this::evict);
    }

    /** The stored file {@code id}, from the cache when fresh, else from the catalogue. */
    public Optional<ServedFile> get(String id) {
        Optional<ServedFile> hit = cached(id);
        if (hit.isPresent()) {
            return hit;
        }
        return load(id);
    }

    private Optional<ServedFile> load(String id) {
        long now = System.nanoTime();
        long before = writes.get();
        Optional<ServedFile> loaded = catalogue.files().stored(id).map(ServedFile::of);
        // a write that committed while the catalogue was read may be missing from what was read: not cached
        if (loaded.isPresent() && ttlNanos > 0 && writes.get() == before) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(id, new Entry(loaded.get(), now));
        } else if (loaded.isEmpty()) {
            entries.remove(id);
        }
        return loaded;
    }

    /** The file {@code id} if it is in the cache and fresh; never reads the catalogue. */
    public Optional<ServedFile> cached(String id) {
        Entry hit = entries.get(id);
        if (hit == null) {
            return Optional.empty();
        }
        long age = System.nanoTime() - hit.loadedNanos;
        if (age >= ttlNanos) {
            return Optional.empty();
        }
        if (age >= ttlNanos / 2) {
            RefreshAhead.submit(refresher, refreshing, id, () -> load(id));
        }
        return Optional.of(hit.file);
    }

    /** Forgets {@code id}: the next {@link #get} reads the catalogue. */
    public void evict(String id) {
        writes.incrementAndGet();
        entries.remove(id);
    }
}
