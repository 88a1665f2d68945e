package io.caravan.connectors.catalogue;

import static io.caravan.connectors.catalogue.Rows.REPLICA_COLUMNS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code replicas} table: which node holds a copy of which blob (the bytes of one or more files),
 * {@code VERIFIED} or {@code BAD}, with the Kafka position of the event that put it there.
 */
public final class ReplicaStore {

    private final Catalogue catalogue;

    ReplicaStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The replica rows of {@code blob} (a file's {@link FileRecord#blob()}), by node. */
    public List<Replica> of(String blob) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + REPLICA_COLUMNS + " FROM replicas r WHERE r.blob = ? ORDER BY r.node")) {
                ps.setString(1, blob);
                List<Replica> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Rows.replica(rs, 1));
                    }
                }
                return out;
            }
        });
    }

    /** Records {@code node}'s verified copy of {@code blob} (see {@link #recordVerified(String, List)}). */
    public void recordVerified(String blob, String node, Integer partition, Long offset, long mtime, OutboxEvent event) {
        recordVerified(node, List.of(new VerifiedCopy(blob, partition, offset, mtime, event)));
    }

    /**
     * Records several verified copies on {@code node}, each with the event position that produced it (if
     * any), its modification time and optionally an event, in one transaction: the replicator applies a
     * polled batch of events this way. A copy recorded before is updated (its position kept when none is given).
     */
    public void recordVerified(String node, List<VerifiedCopy> copies) {
        if (copies.isEmpty()) {
            return;
        }
        try {
            writeVerified(node, copies);
        } catch (CatalogueException e) {
            // the replicator and a scrub recorded the same new copy at once: the other row is there now, update it
            if (!(e.getCause() instanceof java.sql.SQLException sql) || !"23505".equals(sql.getSQLState())) {
                throw e;
            }
            writeVerified(node, copies);
        }
    }

    private void writeVerified(String node, List<VerifiedCopy> copies) {
        catalogue.writing(copies.stream().map(VerifiedCopy::blob).toList(), c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE replicas SET state = ?, "
                    + "partition_no = COALESCE(?, partition_no), offset_no = COALESCE(?, offset_no), verified_mtime = ?, "
                    + "updated = ? WHERE blob = ? AND node = ?")) {
                for (VerifiedCopy v : copies) {
                    update.setString(1, Replica.VERIFIED);
                    update.setObject(2, v.partition(), Types.INTEGER);
                    update.setObject(3, v.offset(), Types.BIGINT);
                    update.setLong(4, v.mtime());
                    update.setTimestamp(5, Rows.now());
                    update.setString(6, v.blob());
                    update.setString(7, node);
                    if (update.executeUpdate() == 0) {
                        insert(c, v.blob(), node, Replica.VERIFIED, v.partition(), v.offset(), v.mtime());
                    }
                    if (v.event() != null) {
                        OutboxStore.insert(c, v.event());
                    }
                }
            }
            return null;
        });
    }

    /** Sets the state of an existing replica row of {@code blob} (e.g. {@code BAD} after a failed check). */
    public void mark(String blob, String node, String state) {
        catalogue.writing(blob, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE replicas SET state = ?, updated = ? WHERE blob = ? AND node = ?")) {
                ps.setString(1, state);
                ps.setTimestamp(2, Rows.now());
                ps.setString(3, blob);
                ps.setString(4, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets {@code node}'s copy of {@code blob}. */
    public void remove(String blob, String node) {
        catalogue.writing(blob, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE blob = ? AND node = ?")) {
                ps.setString(1, blob);
                ps.setString(2, node);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Number of verified replicas on {@code node}. */
    public long verifiedOn(String node) {
        return catalogue.read(c -> {
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

    /** Number of stored blobs (contents) whose only verified copy is on {@code node}. */
    public long onlyCopiesOn(String node) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT r.blob) FROM replicas r JOIN files f ON f.blob = r.blob "
                    + "WHERE r.node = ? AND r.state = ? AND f.state = ? AND NOT EXISTS (SELECT 1 FROM replicas o "
                    + "WHERE o.blob = r.blob AND o.node <> r.node AND o.state = ?)")) {
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

    static void insert(Connection c, String blob, String node, String state, Integer partition, Long offset,
                       Long mtime) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO replicas "
                + "(blob, node, state, partition_no, offset_no, verified_mtime, updated) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, blob);
            ps.setString(2, node);
            ps.setString(3, state);
            ps.setObject(4, partition, Types.INTEGER);
            ps.setObject(5, offset, Types.BIGINT);
            ps.setObject(6, mtime, Types.BIGINT);
            ps.setTimestamp(7, Rows.now());
            ps.executeUpdate();
        }
    }
}
