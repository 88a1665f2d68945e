package io.caravan.connectors.catalogue;

import static io.caravan.connectors.catalogue.Rows.FILE_COLUMNS;
import static io.caravan.connectors.catalogue.Rows.REPLICA_COLUMNS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code files} table: a file is stored with its metadata, first replica and event in one transaction,
 * shares the blob of an earlier file with the same content, or is deleted (a tombstone) with its event.
 */
public final class FileStore {

    private final Catalogue catalogue;

    FileStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Records a newly stored file with its metadata, its first verified replica and its event, atomically. */
    public void insertStored(FileRecord f, Map<String, String> meta, String node, Long mtime, OutboxEvent event) {
        catalogue.writing(f.id(), c -> {
            insertStoredIn(c, f, meta, node, mtime, event);
            return null;
        });
    }

    /** {@link #insertStored} in the transaction of {@code c}. */
    static void insertStoredIn(Connection c, FileRecord f, Map<String, String> meta, String node, Long mtime, OutboxEvent event)
            throws SQLException {
        insert(c, f, meta);
        ReplicaStore.insert(c, f.blob(), node, Replica.VERIFIED, null, null, mtime);
        OutboxStore.insert(c, event);
    }

    /**
     * Records {@code f}, whose {@code blob} is an existing file's, with its metadata and event: in one
     * transaction that first locks a stored file using the blob, so the blob cannot lose its last user
     * meanwhile. {@code false} (nothing written) when no stored file uses the blob any more.
     */
    public boolean insertSharing(FileRecord f, Map<String, String> meta, OutboxEvent event) {
        return catalogue.writing(f.id(), c -> {
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
            insert(c, f, meta);
            OutboxStore.insert(c, event);
            return true;
        });
    }

    /**
     * Marks the stored file {@code id} deleted and queues its event, and so every stored file derived from it
     * (and from those), each with the event {@code derivedEvent} makes of it, in one transaction; {@code false}
     * (nothing written) if there was no such stored file.
     */
    public boolean markDeleted(String id, OutboxEvent event, Function<FileRecord, OutboxEvent> derivedEvent) {
        List<String> touched = new ArrayList<>(List.of(id));
        try {
            return catalogue.transaction(c -> {
                if (!markDeletedIn(c, id, event)) {
                    return false;
                }
                DerivedStore.delete(c, id);
                List<String> sources = new ArrayList<>(List.of(id));
                while (!sources.isEmpty()) {
                    for (DerivedFile d : DerivedStore.derivedOf(c, sources.remove(0))) {
                        markDeletedIn(c, d.file().id(), derivedEvent.apply(d.file()));
                        DerivedStore.delete(c, d.file().id());
                        touched.add(d.file().id());
                        sources.add(d.file().id());
                    }
                }
                return true;
            });
        } finally {
            touched.forEach(catalogue::touched);
        }
    }

    /** Marks the stored file {@code id} deleted and queues {@code event}, in the transaction of {@code c}; {@code false} when not stored. */
    static boolean markDeletedIn(Connection c, String id, OutboxEvent event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE files SET state = ?, deleted = ? WHERE id = ? AND state = ?")) {
            ps.setString(1, FileRecord.DELETED);
            ps.setTimestamp(2, Rows.now());
            ps.setString(3, id);
            ps.setString(4, FileRecord.STORED);
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        OutboxStore.insert(c, event);
        return true;
    }

    /** The file {@code id}, stored or deleted. */
    public Optional<FileRecord> find(String id) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f WHERE f.id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.file(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The stored file {@code id} (not a deleted one). */
    public Optional<FileRecord> findStored(String id) {
        return find(id).filter(FileRecord::isStored);
    }

    /**
     * A stored file whose content is already stored in its group (same SHA-256 and size) with a verified
     * copy: the earliest such file, whose {@code blob} a new file can share. {@code group} null: any group.
     */
    public Optional<FileRecord> sameContent(String group, String sha256, long size) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f WHERE f.sha256 = ? AND f.size = ? "
                    + "AND f.state = ?" + (group == null ? "" : " AND f.grp = ?")
                    + " AND EXISTS (SELECT 1 FROM replicas r WHERE r.blob = f.blob AND r.state = ?) ORDER BY f.created FETCH FIRST 1 ROWS ONLY")) {
                int i = 1;
                ps.setString(i++, sha256);
                ps.setLong(i++, size);
                ps.setString(i++, FileRecord.STORED);
                if (group != null) {
                    ps.setString(i++, group);
                }
                ps.setString(i, Replica.VERIFIED);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.file(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The group of a stored file whose bytes are {@code blob}; empty when no stored file uses it (it may go). */
    public Optional<String> blobGroup(String blob) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT f.grp FROM files f WHERE f.blob = ? AND f.state = ? FETCH FIRST 1 ROWS ONLY")) {
                ps.setString(1, blob);
                ps.setString(2, FileRecord.STORED);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** The stored file {@code id} with its replicas, in one query; empty when there is no such file or it was deleted. */
    public Optional<StoredFile> stored(String id) {
        return Optional.ofNullable(stored(List.of(id)).get(id));
    }

    /**
     * The stored files among {@code ids} with their replicas, by id, in one query per {@value Rows#IN_LIST_MAX}
     * ids; deleted and unknown ids are left out.
     */
    public Map<String, StoredFile> stored(Collection<String> ids) {
        Map<String, FileRecord> files = new HashMap<>();
        Map<String, List<Replica>> replicas = new HashMap<>();
        for (List<String> chunk : Rows.inLists(ids)) {
            catalogue.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + ", " + REPLICA_COLUMNS
                        + " FROM files f LEFT JOIN replicas r ON r.blob = f.blob WHERE f.id IN ("
                        + Rows.placeholders(chunk.size()) + ") AND f.state = ? ORDER BY f.id, r.node")) {
                    int i = Rows.bindAll(ps, chunk);
                    ps.setString(i, FileRecord.STORED);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            String id = rs.getString(1);
                            if (!files.containsKey(id)) {
                                files.put(id, Rows.file(rs));
                                replicas.put(id, new ArrayList<>());
                            }
                            if (rs.getString(10) != null) {
                                replicas.get(id).add(Rows.replica(rs, 10));
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
        for (List<String> chunk : Rows.inLists(blobs)) {
            catalogue.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT f.blob FROM files f WHERE f.blob IN ("
                        + Rows.placeholders(chunk.size()) + ") AND f.state = ?")) {
                    ps.setString(Rows.bindAll(ps, chunk), FileRecord.STORED);
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

    /** Stored files with an id after {@code afterId}, in id order, at most {@code limit}: for paging through all. */
    public List<FileRecord> storedAfter(String afterId, int limit) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f "
                    + "WHERE state = ? AND id > ? ORDER BY id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                ps.setString(1, FileRecord.STORED);
                ps.setString(2, afterId == null ? "" : afterId);
                List<FileRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Rows.file(rs));
                    }
                }
                return out;
            }
        });
    }

    private static void insert(Connection c, FileRecord f, Map<String, String> meta) throws SQLException {
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
        MetaStore.insert(c, f.id(), meta);
    }
}
