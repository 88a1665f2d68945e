package io.caravan.processors.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.caravan.connectors.jdbc.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue: files, their replicas, the outbox and the nodes, in one JDBC database.
 *
 * <p>A file row and its event are always written in one transaction, so there is never a file
 * without its event nor an event without its file.
 */
public class Catalogue {

    /** The columns {@link #fileRecord} reads, of {@code files f}. */
    private static final String FILE_COLUMNS = "f.id, f.name, f.size, f.sha256, f.content_type, f.grp, f.state, f.created, f.blob";

    /** At most this many values in one {@code IN (...)} list. */
    private static final int IN_LIST_MAX = 500;

    private static final Logger LOG = LoggerFactory.getLogger(Catalogue.class);

    private final DataSource ds;
    private final List<Consumer<String>> writeListeners = new CopyOnWriteArrayList<>();

    public Catalogue(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Keeps the embedded database file from growing by every commit: rewrites the live rows of its sparsest
     * parts and moves its last parts into the space freed, at most {@code writeLimitBytes} each a call
     * ({@link Database#compact}; nothing to do on PostgreSQL).
     * Called by the {@code catalogue-compact} route.
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

    /** Records a newly stored file with its metadata, its first verified replica and its event, atomically. */
    public void insertStored(FileRecord f, Map<String, String> meta, String node, Long mtime, OutboxEvent event) {
        writing(f.id(), c -> {
            insertFile(c, f, meta);
            insertReplica(c, f.blob(), node, Replica.VERIFIED, null, null, mtime);
            insertOutbox(c, event);
            return null;
        });
    }

    /**
     * A stored file whose content is already stored in its group (same SHA-256 and size) with a verified
     * copy: the earliest such file, whose {@code blob} a new file can share. {@code group} null: any group.
     */
    public Optional<FileRecord> sameContent(String group, String sha256, long size) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f WHERE f.sha256 = ? AND f.size = ? "
                    + "AND f.state = ?" + (group == null ? "" : " AND f.grp = ?")
                    + " AND EXISTS (SELECT 1 FROM replicas r WHERE r.file_id = f.blob AND r.state = ?) ORDER BY f.created FETCH FIRST 1 ROWS ONLY")) {
                int i = 1;
                ps.setString(i++, sha256);
                ps.setLong(i++, size);
                ps.setString(i++, FileRecord.STORED);
                if (group != null) {
                    ps.setString(i++, group);
                }
                ps.setString(i, Replica.VERIFIED);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(fileRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Records {@code f}, whose {@code blob} is an existing file's, with its metadata and event: in one
     * transaction that first locks a stored file using the blob, so the blob cannot lose its last user
     * meanwhile. {@code false} (nothing written) when no stored file uses the blob any more.
     */
    public boolean insertSharing(FileRecord f, Map<String, String> meta, OutboxEvent event) {
        return writing(f.id(), c -> {
            // one locked row is enough: it cannot be deleted before this insert commits, so the blob stays used
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT f.id FROM files f WHERE f.blob = ? AND f.state = ? FETCH FIRST 1 ROWS ONLY FOR UPDATE")) {
                ps.setString(1, f.blob());
                ps.setString(2, FileRecord.STORED);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            insertFile(c, f, meta);
            insertOutbox(c, event);
            return true;
        });
    }

    /** The group of a stored file whose bytes are {@code blob}; empty when no stored file uses it (it may go). */
    public Optional<String> blobGroup(String blob) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT f.grp FROM files f WHERE f.blob = ? AND f.state = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, blob);
                ps.setString(2, FileRecord.STORED);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The metadata of file {@code id}, sorted by key. */
    public Map<String, String> meta(String id) {
        return meta(List.of(id)).getOrDefault(id, Map.of());
    }

    /** The metadata of each of {@code ids} that has any, sorted by key. */
    public Map<String, Map<String, String>> meta(List<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT file_id, k, v FROM file_meta WHERE file_id IN ("
                    + placeholders(ids.size()) + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setString(i + 1, ids.get(i));
                }
                Map<String, Map<String, String>> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Applies {@code changes} (a {@code null} value removes the key) to the metadata of stored file {@code id}
     * and queues the event {@code event} makes of the file and its new metadata, in one transaction that
     * holds the file's row, so concurrent changes of different keys all survive. Empty when there is no such
     * stored file; throws {@link IllegalArgumentException} when the result breaks {@link FileMeta}'s rules.
     */
    public Optional<Map<String, String>> updateMeta(String id, Map<String, String> changes,
                                                    BiFunction<FileRecord, Map<String, String>, OutboxEvent> event) {
        return writing(id, c -> {
            FileRecord file;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f WHERE f.id = ? AND f.state = ? FOR UPDATE")) {
                ps.setString(1, id);
                ps.setString(2, FileRecord.STORED);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    file = fileRecord(rs);
                }
            }
            Map<String, String> meta = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT k, v FROM file_meta WHERE file_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        meta.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            changes.forEach((k, v) -> {
                if (v == null) {
                    meta.remove(FileMeta.key(k));
                } else {
                    meta.put(FileMeta.key(k), v);
                }
            });
            Map<String, String> updated = FileMeta.checked(meta);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM file_meta WHERE file_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            insertMeta(c, id, updated);
            try (PreparedStatement ps = c.prepareStatement("UPDATE files SET search_text = ? WHERE id = ?")) {
                ps.setString(1, FileMeta.searchText(file.name(), updated));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            insertOutbox(c, event.apply(file, updated));
            return Optional.of(updated);
        });
    }

    /** Marks the file deleted and queues its event; {@code false} if there was no such stored file. */
    public boolean markDeleted(String id, OutboxEvent event) {
        return writing(id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE files SET state = ?, deleted = ? WHERE id = ? AND state = ?")) {
                ps.setString(1, FileRecord.DELETED);
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, id);
                ps.setString(4, FileRecord.STORED);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            insertOutbox(c, event);
            return true;
        });
    }

    /** Calls {@code listener} with a file's id after every write to its row or its replicas' rows (committed or not). */
    public void onWrite(Consumer<String> listener) {
        writeListeners.add(listener);
    }

    /** The stored file {@code id} with its replicas, in one query; empty when there is no such file or it was deleted. */
    public Optional<StoredFile> stored(String id) {
        return Optional.ofNullable(stored(List.of(id)).get(id));
    }

    /**
     * The stored files among {@code ids} with their replicas, by id, in one query per {@value #IN_LIST_MAX}
     * ids; deleted and unknown ids are left out.
     */
    public Map<String, StoredFile> stored(Collection<String> ids) {
        Map<String, FileRecord> files = new HashMap<>();
        Map<String, List<Replica>> replicas = new HashMap<>();
        for (List<String> chunk : inLists(ids)) {
            query(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT " + FILE_COLUMNS + ", r.file_id, r.node, r.state, r.partition_no, r.offset_no, r.verified_mtime "
                                + "FROM files f LEFT JOIN replicas r ON r.file_id = f.blob WHERE f.id IN ("
                                + placeholders(chunk.size()) + ") AND f.state = ? ORDER BY f.id, r.node")) {
                    int i = bindAll(ps, chunk);
                    ps.setString(i, FileRecord.STORED);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            if (!files.containsKey(id)) {
                                files.put(id, fileRecord(rs));
                                replicas.put(id, new ArrayList<>());
                            }
                            if (rs.getString(10) != null) {
                                replicas.get(id).add(replica(rs, 10));
                            }
                        }
                    }
                }
                return null;
            });
        }
        Map<String, StoredFile> out = new HashMap<>();
        files.forEach((id, f) -> out.put(id, new StoredFile(f, replicas.get(id))));
        return out;
    }

    /** Those of {@code blobs} that no stored file uses any more (their bytes may go); see {@link #blobGroup}. */
    public Set<String> unusedBlobs(Collection<String> blobs) {
        Set<String> unused = new HashSet<>(blobs);
        for (List<String> chunk : inLists(blobs)) {
            query(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT f.blob FROM files f WHERE f.blob IN ("
                        + placeholders(chunk.size()) + ") AND f.state = ?")) {
                    ps.setString(bindAll(ps, chunk), FileRecord.STORED);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            unused.remove(rs.getString(1));
                        }
                    }
                }
                return null;
            });
        }
        return unused;
    }

    /** The segment hashes recorded for file {@code id}, if they were computed already. */
    public Optional<SegmentHashes> segmentHashes(String id) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT segment_size, hashes FROM manifests WHERE file_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new SegmentHashes(rs.getLong(1), List.of(rs.getString(2).split(","))))
                            : Optional.empty();
                }
            }
        });
    }

    /** Records the segment hashes of file {@code id}; a concurrent identical record is fine (the first stays). */
    public void saveSegmentHashes(String id, SegmentHashes hashes) {
        try {
            query(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO manifests (file_id, segment_size, hashes) "
                        + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM manifests WHERE file_id = ?)")) {
                    ps.setString(1, id);
                    ps.setLong(2, hashes.segmentSize());
                    ps.setString(3, String.join(",", hashes.sha256()));
                    ps.setString(4, id);
                    return ps.executeUpdate();
                }
            });
        } catch (CatalogueException raced) {
            if (segmentHashes(id).isEmpty()) {
                throw raced;
            }
        }
    }

    public Optional<FileRecord> find(String id) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + FILE_COLUMNS + " FROM files f WHERE f.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(fileRecord(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The replica rows of {@code blob} (a file's {@link FileRecord#blob()}), by node. */
    public List<Replica> replicas(String blob) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT file_id, node, state, partition_no, offset_no, verified_mtime FROM replicas WHERE file_id = ? ORDER BY node")) {
                ps.setString(1, blob);
                List<Replica> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(replica(rs, 1));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Records {@code node}'s verified copy of blob {@code id}: the event position that produced it (if any),
     * the copy's modification time, and optionally an event, all in one transaction.
     */
    public void recordVerified(String id, String node, Integer partition, Long offset, long mtime, OutboxEvent event) {
        recordVerified(node, List.of(new VerifiedCopy(id, partition, offset, mtime, event)));
    }

    /**
     * Records several verified copies on {@code node} (see {@link #recordVerified}) in one transaction: the
     * replicator applies a polled batch of events this way.
     */
    public void recordVerified(String node, List<VerifiedCopy> copies) {
        if (copies.isEmpty()) {
            return;
        }
        try {
            inTransaction(c -> {
                try (PreparedStatement update = c.prepareStatement("UPDATE replicas SET state = ?, "
                        + "partition_no = COALESCE(?, partition_no), offset_no = COALESCE(?, offset_no), verified_mtime = ?, "
                        + "updated = ? WHERE file_id = ? AND node = ?")) {
                    for (VerifiedCopy v : copies) {
                        update.setString(1, Replica.VERIFIED);
                        update.setObject(2, v.partition(), Types.INTEGER);
                        update.setObject(3, v.offset(), Types.BIGINT);
                        update.setLong(4, v.mtime());
                        update.setTimestamp(5, Timestamp.from(Instant.now()));
                        update.setString(6, v.blob());
                        update.setString(7, node);
                        if (update.executeUpdate() == 0) {
                            insertReplica(c, v.blob(), node, Replica.VERIFIED, v.partition(), v.offset(), v.mtime());
                        }
                        if (v.event() != null) {
                            insertOutbox(c, v.event());
                        }
                    }
                }
                return null;
            });
        } finally {
            copies.forEach(v -> writeListeners.forEach(l -> l.accept(v.blob())));
        }
    }

    /** A verified copy of {@code blob} made from the event at {@code partition}/{@code offset}, and the event to emit. */
    public record VerifiedCopy(String blob, Integer partition, Long offset, long mtime, OutboxEvent event) {
    }

    /** Sets the state of an existing replica row of blob {@code id} (e.g. {@code BAD} after a failed check). */
    public void markReplica(String id, String node, String state) {
        writing(id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE replicas SET state = ?, updated = ? WHERE file_id = ? AND node = ?")) {
                ps.setString(1, state);
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, id);
                ps.setString(4, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * One page of stored files, newest first: those whose name or metadata contain {@code query.text()}
     * (normalized by {@link FileMeta#normalize}), of a content type starting with {@code query.type()}, in
     * group {@code query.group()} (each filter ignored when null), created before the cursor.
     */
    public List<FileRecord> search(FileQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + FILE_COLUMNS + " FROM files f WHERE state = ?");
        List<Object> args = new ArrayList<>(List.of(FileRecord.STORED));
        if (query.text() != null && !query.text().isBlank()) {
            sql.append(" AND search_text LIKE ? ESCAPE '!'");
            args.add("%" + likeLiteral(FileMeta.normalize(query.text().trim())) + "%");
        }
        if (query.type() != null && !query.type().isBlank()) {
            sql.append(" AND content_type LIKE ? ESCAPE '!'");
            args.add(likeLiteral(query.type().trim().toLowerCase(Locale.ROOT)) + "%");
        }
        if (query.group() != null && !query.group().isBlank()) {
            sql.append(" AND grp = ?");
            args.add(query.group().trim());
        }
        if (query.beforeCreated() != null) {
            sql.append(" AND (created < ? OR (created = ? AND id < ?))");
            args.add(Timestamp.from(query.beforeCreated()));
            args.add(Timestamp.from(query.beforeCreated()));
            args.add(query.beforeId());
        }
        sql.append(" ORDER BY created DESC, id DESC FETCH FIRST ").append(Math.max(1, Math.min(query.limit(), 500))).append(" ROWS ONLY");
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<FileRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(fileRecord(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Stored files with an id after {@code afterId}, in id order, at most {@code limit}: for paging through all. */
    public List<FileRecord> storedFiles(String afterId, int limit) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + FILE_COLUMNS + " FROM files f "
                            + "WHERE state = ? AND id > ? ORDER BY id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                ps.setString(1, FileRecord.STORED);
                ps.setString(2, afterId == null ? "" : afterId);
                List<FileRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(fileRecord(rs));
                    }
                }
                return out;
            }
        });
    }

    public void removeReplica(String id, String node) {
        writing(id, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE file_id = ? AND node = ?")) {
                ps.setString(1, id);
                ps.setString(2, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Up to {@code limit} unsent outbox events, oldest first. */
    public List<OutboxEvent> pendingEvents(int limit) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, event_id, file_id, type, payload FROM outbox WHERE sent IS NULL ORDER BY seq "
                            + "FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                List<OutboxEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new OutboxEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                }
                return out;
            }
        });
    }

    /** Marks an outbox event as acknowledged by the broker. */
    /** Deletes the outbox rows sent before {@code before} (their events are in Kafka); returns how many. */
    public int pruneSent(Instant before) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE sent IS NOT NULL AND sent < ?")) {
                ps.setTimestamp(1, Timestamp.from(before));
                return ps.executeUpdate();
            }
        });
    }

    /** Marks the outbox rows {@code seqs} sent, in one transaction. */
    public void markSent(List<Long> seqs) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent = ? WHERE seq = ?")) {
                Timestamp now = Timestamp.from(Instant.now());
                for (long seq : seqs) {
                    ps.setTimestamp(1, now);
                    ps.setLong(2, seq);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Number of events not yet acknowledged by the broker. */
    public long unsentEvents() {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE sent IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Number of verified replicas on {@code node}. */
    public long verifiedReplicas(String node) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM replicas WHERE node = ? AND state = ?")) {
                ps.setString(1, node);
                ps.setString(2, Replica.VERIFIED);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Writes the tracker's view of a node. */
    public void saveNode(String name, String group, String kind, String state, Long freeBytes, Instant lastBeat, String error) {
        inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE nodes SET grp = ?, kind = ?, state = ?, free_bytes = ?, last_beat = ?, last_error = ? WHERE name = ?")) {
                bindNode(ps, group, kind, state, freeBytes, lastBeat, error);
                ps.setString(7, name);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO nodes (grp, kind, state, free_bytes, last_beat, last_error, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    bindNode(ps, group, kind, state, freeBytes, lastBeat, error);
                    ps.setString(7, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** The state of every node as last written by any gateway. */
    public Map<String, String> nodeStates() {
        return query(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, state FROM nodes");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Settings (Properties text) of the nodes added at runtime, by name. */
    public Map<String, String> nodeConfigs() {
        return query(c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, settings FROM node_config");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        });
    }

    /** Records a node added at runtime. */
    public void saveNodeConfig(String name, String settings) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO node_config (name, settings) VALUES (?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, settings);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets a node: its runtime definition, its tracker row and its replica rows, in one transaction. */
    public void forgetNode(String name) {
        inTransaction(c -> {
            for (String sql : new String[] {"DELETE FROM replicas WHERE node = ?", "DELETE FROM nodes WHERE name = ?",
                "DELETE FROM node_config WHERE name = ?"}) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, name);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Number of stored blobs (contents) whose only verified copy is on {@code node}. */
    public long onlyCopiesOn(String node) {
        return query(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT r.file_id) FROM replicas r JOIN files f ON f.blob = r.file_id "
                    + "WHERE r.node = ? AND r.state = ? AND f.state = ? AND NOT EXISTS (SELECT 1 FROM replicas o "
                    + "WHERE o.file_id = r.file_id AND o.node <> r.node AND o.state = ?)")) {
                ps.setString(1, node);
                ps.setString(2, Replica.VERIFIED);
                ps.setString(3, FileRecord.STORED);
                ps.setString(4, Replica.VERIFIED);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** {@code true} when the database answers a trivial query. */
    public boolean isReachable() {
        try {
            return query(c -> c.isValid(2));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static FileRecord fileRecord(ResultSet rs) throws SQLException {
        return new FileRecord(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getString(9));
    }

    /** The replica in the six columns from {@code first}: file_id, node, state, partition_no, offset_no, verified_mtime. */
    private static Replica replica(ResultSet rs, int first) throws SQLException {
        return new Replica(rs.getString(first), rs.getString(first + 1), rs.getString(first + 2),
                (Integer) rs.getObject(first + 3), longOrNull(rs, first + 4), longOrNull(rs, first + 5));
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void bindNode(PreparedStatement ps, String group, String kind, String state, Long freeBytes,
                                 Instant lastBeat, String error) throws SQLException {
        ps.setString(1, group);
        ps.setString(2, kind);
        ps.setString(3, state);
        ps.setObject(4, freeBytes, Types.BIGINT);
        ps.setTimestamp(5, lastBeat == null ? null : Timestamp.from(lastBeat));
        ps.setString(6, error == null ? null : error.substring(0, Math.min(1000, error.length())));
    }

    private static void insertReplica(Connection c, String id, String node, String state, Integer partition, Long offset,
                                      Long mtime) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO replicas "
                + "(file_id, node, state, partition_no, offset_no, verified_mtime, updated) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, node);
            ps.setString(3, state);
            ps.setObject(4, partition, Types.INTEGER);
            ps.setObject(5, offset, Types.BIGINT);
            ps.setObject(6, mtime, Types.BIGINT);
            ps.setTimestamp(7, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    /** {@code values} without repeats, cut into lists of at most {@value #IN_LIST_MAX}, one {@code IN (...)} each. */
    private static List<List<String>> inLists(Collection<String> values) {
        List<String> all = List.copyOf(new LinkedHashSet<>(values));
        List<List<String>> lists = new ArrayList<>();
        for (int from = 0; from < all.size(); from += IN_LIST_MAX) {
            lists.add(all.subList(from, Math.min(all.size(), from + IN_LIST_MAX)));
        }
        return lists;
    }

    /** Binds {@code values} to the first parameters of {@code ps}; the index of the next parameter. */
    private static int bindAll(PreparedStatement ps, List<String> values) throws SQLException {
        int i = 1;
        for (String v : values) {
            ps.setString(i++, v);
        }
        return i;
    }

    /** {@code n} comma-separated parameter marks, for an {@code IN (...)} list. */
    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** {@code text} matched literally by {@code LIKE ... ESCAPE '!'}. */
    private static String likeLiteral(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static void insertFile(Connection c, FileRecord f, Map<String, String> meta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO files "
                + "(id, name, size, sha256, content_type, grp, state, created, blob, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, f.id());
            ps.setString(2, f.name());
            ps.setLong(3, f.size());
            ps.setString(4, f.sha256());
            ps.setString(5, f.contentType());
            ps.setString(6, f.group());
            ps.setString(7, FileRecord.STORED);
            ps.setTimestamp(8, Timestamp.from(f.created()));
            ps.setString(9, f.blob());
            ps.setString(10, FileMeta.searchText(f.name(), meta));
            ps.executeUpdate();
        }
        insertMeta(c, f.id(), meta);
    }

    private static void insertMeta(Connection c, String id, Map<String, String> meta) throws SQLException {
        if (meta.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO file_meta (file_id, k, v) VALUES (?, ?, ?)")) {
            for (Map.Entry<String, String> e : meta.entrySet()) {
                ps.setString(1, id);
                ps.setString(2, e.getKey());
                ps.setString(3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertOutbox(Connection c, OutboxEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (event_id, file_id, type, payload, created) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, e.eventId());
            ps.setString(2, e.fileId());
            ps.setString(3, e.type());
            ps.setString(4, e.payload());
            ps.setTimestamp(5, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }

    private <T> T query(Database.Work<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new CatalogueException(e);
        }
    }

    /** A transaction that changes file {@code id}: the write listeners hear of it once it has committed (or failed). */
    private <T> T writing(String id, Database.Work<T> work) {
        try {
            return inTransaction(work);
        } finally {
            writeListeners.forEach(l -> l.accept(id));
        }
    }

    /** A transaction, run again when it loses a race for a lock ({@link Database#inTransaction}). */
    private <T> T inTransaction(Database.Work<T> work) {
        try {
            return Database.inTransaction(ds, work);
        } catch (SQLException e) {
            throw new CatalogueException(e);
        }
    }

    /** A database failure. */
    public static class CatalogueException extends RuntimeException {
        public CatalogueException(SQLException cause) {
            super("catalogue: " + cause.getMessage(), cause);
        }
    }
}
