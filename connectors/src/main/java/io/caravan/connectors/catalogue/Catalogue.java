package io.caravan.connectors.catalogue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue: files, their replicas, the outbox, the nodes, id blocks and manifests in one JDBC database,
 * one store per concern. The one way the stores reach the database: reads, transactions that run again when
 * they lose a lock race ({@link Database#inTransaction}), the write listeners, compaction and the health probe.
 *
 * <p>A change and its event are always written in one transaction, so there is never a file without its
 * event nor an event without its change.
 */
public final class Catalogue {

    private static final Logger LOG = LoggerFactory.getLogger(Catalogue.class);

    private final DataSource ds;
    private final List<Consumer<String>> writeListeners = new CopyOnWriteArrayList<>();
    private final FileStore files = new FileStore(this);
    private final MetaStore meta = new MetaStore(this);
    private final ReplicaStore replicas = new ReplicaStore(this);
    private final OutboxStore outbox = new OutboxStore(this);
    private final NodeStore nodes = new NodeStore(this);
    private final IdBlockStore idBlocks = new IdBlockStore(this);
    private final ManifestStore manifests = new ManifestStore(this);
    private final DerivedStore derived = new DerivedStore(this);
    private final SeenEventStore seenEvents = new SeenEventStore(this);
    private final HlsStore hls = new HlsStore(this);
    private final LiveStore live = new LiveStore(this);

    /** @param ds a database {@link Database#migrate} brought to the current schema */
    public Catalogue(DataSource ds) {
        this.ds = ds;
    }

    /** Files: stored, shared, deleted; with their replicas, as the readers need them. */
    public FileStore files() {
        return files;
    }

    /** Key/value metadata of files and the search over names and metadata. */
    public MetaStore meta() {
        return meta;
    }

    /** Which node holds which blob, verified or bad. */
    public ReplicaStore replicas() {
        return replicas;
    }

    /** Events waiting for, and published to, Kafka. */
    public OutboxStore outbox() {
        return outbox;
    }

    /** The tracker's view of every node, and the nodes added at runtime. */
    public NodeStore nodes() {
        return nodes;
    }

    /** Blocks of id sequence values. */
    public IdBlockStore idBlocks() {
        return idBlocks;
    }

    /** Per-segment hashes for multi-source downloads. */
    public ManifestStore manifests() {
        return manifests;
    }

    /** Derived files (posters, renditions) and what they were made from. */
    public DerivedStore derived() {
        return derived;
    }

    /** The events each extension consumer group has handled. */
    public SeenEventStore seenEvents() {
        return seenEvents;
    }

    /** Where the HLS packaging of each media file stands. */
    public HlsStore hls() {
        return hls;
    }

    /** Live streams, their playlists and segments. */
    public LiveStore live() {
        return live;
    }

    /** Calls {@code listener} with a file id or blob key after every write to its rows (committed or not). */
    public void onWrite(Consumer<String> listener) {
        writeListeners.add(listener);
    }

    /**
     * Keeps the embedded database file from growing by every commit ({@link Database#compact}; nothing to do
     * on PostgreSQL). Called by the {@code catalogue-compact} route.
     */
    public void compact(int targetFillRate, int writeLimitBytes) {
        try {
            long t0 = System.nanoTime();
            int fill = Database.compact(ds, targetFillRate, writeLimitBytes);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (millis >= 1000) {
                // commits wait while chunks move: a slow disk shows here before it shows as lock timeouts
                LOG.warn("catalogue file compaction took {} ms ({}% of the file in use); lower caravan.db.compact-write", millis, fill);
            } else if (fill >= 0) {
                LOG.debug("catalogue file compacted in {} ms: {}% of it in use", millis, fill);
            }
        } catch (SQLException e) {
            throw new CatalogueException(e);
        }
    }

    /** {@code true} when the database answers a trivial query. */
    public boolean isReachable() {
        try {
            return read(c -> c.isValid(2));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Work on a connection in auto-commit mode: one statement, or reads. */
    <T> T read(Database.Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new CatalogueException(e);
        }
    }

    /** A transaction, run again when it loses a race for a lock. */
    <T> T transaction(Database.Work<T> work) {
        try {
            return Database.inTransaction(ds, work);
        } catch (SQLException e) {
            throw new CatalogueException(e);
        }
    }

    /** A transaction that changes the rows of {@code key} (a file id or a blob): the listeners hear of it after. */
    <T> T writing(String key, Database.Work<T> work) {
        return writing(List.of(key), work);
    }

    /** Tells the write listeners that the rows of {@code key} changed (a write whose keys were known only inside it). */
    void touched(String key) {
        writeListeners.forEach(l -> l.accept(key));
    }

    /** A transaction that changes the rows of {@code keys}: the listeners hear of each after it committed or failed. */
    <T> T writing(Collection<String> keys, Database.Work<T> work) {
        try {
            return transaction(work);
        } finally {
            keys.forEach(this::touched);
        }
    }
}
