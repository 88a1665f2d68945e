package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The {@code seen_events} table: which events each extension consumer group has handled, by CloudEvents id, so
 * that an event delivered again is skipped. Shared by every gateway of a cluster, so a partition that moves to
 * another gateway is not handled twice either. The SQL runs on H2 and PostgreSQL alike.
 */
public final class SeenEventStore {

    private final Catalogue catalogue;

    SeenEventStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Records that {@code consumer} takes {@code eventId}; {@code false} when it had already taken it. */
    public boolean add(String consumer, String eventId, Instant at) {
        try {
            return catalogue.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO seen_events (consumer, event_id, seen_at) VALUES (?, ?, ?)")) {
                    ps.setString(1, consumer);
                    ps.setString(2, eventId);
                    ps.setTimestamp(3, Timestamp.from(at));
                    return ps.executeUpdate() == 1;
                }
            });
        } catch (CatalogueException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return false; // the primary key is taken: seen before
            }
            throw e;
        }
    }

    /** {@code true} when {@code consumer} has taken {@code eventId}. */
    public boolean contains(String consumer, String eventId) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM seen_events WHERE consumer = ? AND event_id = ?")) {
                ps.setString(1, consumer);
                ps.setString(2, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Forgets that {@code consumer} took {@code eventId} (its handling failed: a delivery again is handled). */
    public boolean remove(String consumer, String eventId) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM seen_events WHERE consumer = ? AND event_id = ?")) {
                ps.setString(1, consumer);
                ps.setString(2, eventId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Forgets every event {@code consumer} took. */
    public int clear(String consumer) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM seen_events WHERE consumer = ?")) {
                ps.setString(1, consumer);
                return ps.executeUpdate();
            }
        });
    }

    /** Forgets what was taken before {@code before}; returns how many rows went. */
    public int prune(Instant before) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM seen_events WHERE seen_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(before));
                return ps.executeUpdate();
            }
        });
    }
}
