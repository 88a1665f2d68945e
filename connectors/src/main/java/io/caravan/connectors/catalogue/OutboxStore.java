package io.caravan.connectors.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code outbox} table: events written in the transaction of the change they announce, handed to the
 * relay in order, marked sent once the broker acknowledged them, pruned after a while.
 */
public final class OutboxStore {

    private final Catalogue catalogue;

    OutboxStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Up to {@code limit} unsent events, oldest first. */
    public List<OutboxEvent> pending(int limit) {
        return catalogue.read(c -> {
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

    /** Marks the events {@code seqs} sent, in one transaction. */
    public void markSent(List<Long> seqs) {
        catalogue.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET sent = ? WHERE seq = ?")) {
                Timestamp now = Rows.now();
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

    /** Deletes the events sent before {@code before} (they are in Kafka); returns how many. */
    public int pruneSent(Instant before) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox WHERE sent IS NOT NULL AND sent < ?")) {
                ps.setTimestamp(1, Timestamp.from(before));
                return ps.executeUpdate();
            }
        });
    }

    /** Number of events not yet acknowledged by the broker. */
    public long unsent() {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM outbox WHERE sent IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Queues {@code e} in the transaction of {@code c}. */
    static void insert(Connection c, OutboxEvent e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO outbox (event_id, file_id, type, payload, created) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, e.eventId());
            ps.setString(2, e.fileId());
            ps.setString(3, e.type());
            ps.setString(4, e.payload());
            ps.setTimestamp(5, Rows.now());
            ps.executeUpdate();
        }
    }
}
