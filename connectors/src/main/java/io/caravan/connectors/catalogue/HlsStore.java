package io.caravan.connectors.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code hls} table: where the HLS packaging of each stored media file stands ({@link HlsState}). The SQL
 * runs on H2 and PostgreSQL alike (an update, then an insert when there was no row).
 */
public final class HlsStore {

    public static final String PACKAGING = "PACKAGING";
    public static final String READY = "READY";
    public static final String FAILED = "FAILED";

    /** The packaging state of a file; {@code error} only when FAILED (or the last try failed). */
    public record HlsState(String state, String error, int attempts, Instant updated) {
    }

    private final Catalogue catalogue;

    HlsStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Records {@code state} for {@code fileId} after {@code attempts} tries, with {@code error} (or none). */
    public void set(String fileId, String state, String error, int attempts, Instant at) {
        catalogue.writing(fileId, c -> {
            upsert(c, fileId, state, error, attempts, at);
            return null;
        });
    }

    /**
     * Records that {@code fileId} is to be packaged again (PACKAGING, no tries yet) and queues {@code event}, the
     * request the packaging route takes, in one transaction.
     */
    public void request(String fileId, OutboxEvent event, Instant at) {
        catalogue.writing(fileId, c -> {
            upsert(c, fileId, PACKAGING, null, 0, at);
            OutboxStore.insert(c, event);
            return null;
        });
    }

    private static void upsert(Connection c, String fileId, String state, String error, int attempts, Instant at) throws SQLException {
        String err = error == null ? null : error.length() > 1000 ? error.substring(0, 1000) + "…" : error;
        int updated;
        try (PreparedStatement up = c.prepareStatement("UPDATE hls SET state = ?, error = ?, attempts = ?, updated = ? WHERE file_id = ?")) {
            up.setString(1, state);
            up.setString(2, err);
            up.setInt(3, attempts);
            up.setTimestamp(4, Timestamp.from(at));
            up.setString(5, fileId);
            updated = up.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO hls (file_id, state, error, attempts, updated) VALUES (?, ?, ?, ?, ?)")) {
                ins.setString(1, fileId);
                ins.setString(2, state);
                ins.setString(3, err);
                ins.setInt(4, attempts);
                ins.setTimestamp(5, Timestamp.from(at));
                ins.executeUpdate();
            }
        }
    }

    /** Where the packaging of {@code fileId} stands; empty when it was never packaged (not media, or not yet). */
    public Optional<HlsState> get(String fileId) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, error, attempts, updated FROM hls WHERE file_id = ?")) {
                ps.setString(1, fileId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new HlsState(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getTimestamp(4).toInstant()))
                            : Optional.empty();
                }
            }
        });
    }
}
