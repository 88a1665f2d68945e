package io.caravan.connectors.catalogue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The live streams ({@code live_streams}), their playlists as last PUT ({@code live_playlists}) and their
 * segments ({@code live_files}, each a stored file). A change and its event commit together, as for files.
 */
public final class LiveStore {

    public static final String IDLE = "IDLE";
    public static final String LIVE = "LIVE";
    public static final String ENDED = "ENDED";

    /** Recording states: being made (or waiting for the stream's end), made, failed, not asked. */
    public static final String RECORDING = "RECORDING";
    public static final String RECORDED = "RECORDED";
    public static final String RECORD_FAILED = "FAILED";
    public static final String RECORD_OFF = "OFF";

    /** A stream as recorded; {@code session} counts its starts. */
    public record LiveStream(String name, String group, String state, long session, String keySha256, boolean record,
                             Instant created, Instant started, Instant updated, Instant lastSegmentAt, Instant ended,
                             int segments, String playlist, String recording, String recordingState, String recordingError) {
    }

    /** A playlist as last PUT: its text, target duration and the sum of its segments' durations. */
    public record LivePlaylist(String stream, String name, String body, long targetMs, long windowMs, Instant updated) {
    }

    /** A segment (or init section) of a stream: its stored file and what the playlists said of it. */
    public record LiveFile(String fileId, String stream, long session, String name, String playlist, Long msn, Long durationMs,
                           Instant created, Instant removed, Instant expires, Instant purge) {
    }

    /** How a start went: the stream, whether it started now (its started event queued), or refused by the limit. */
    public record Start(LiveStream stream, boolean started, boolean refused) {
    }

    private static final String STREAM_COLUMNS = "name, grp, state, session_no, key_sha256, record, created, started, updated, "
            + "last_segment_at, ended, segments, playlist, recording, recording_state, recording_error";
    private static final String FILE_COLUMNS = "file_id, stream, session_no, name, playlist, msn, duration_ms, created, removed, expires, purge";

    private final Catalogue catalogue;

    LiveStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The stream {@code name}, if it was ever created or pushed. */
    public Optional<LiveStream> stream(String name) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS + " FROM live_streams WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(stream(rs)) : Optional.empty();
                }
            }
        });
    }

    /** How many streams are in {@code state} (IDLE, LIVE or ENDED). */
    public long count(String state) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM live_streams WHERE state = ?")) {
                ps.setString(1, state);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Every stream, the most recently active first, at most {@code limit}. */
    public List<LiveStream> streams(int limit) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS + " FROM live_streams ORDER BY updated DESC, name "
                    + "FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                List<LiveStream> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(stream(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Creates stream {@code name} (IDLE, not yet pushed) with a publishing key's SHA-256, a group (null: the
     * placement's choice at its start) and whether it is recorded; {@code false} when the name is taken.
     */
    public boolean create(String name, String group, String keySha256, boolean record, Instant now) {
        return catalogue.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM live_streams WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            insert(c, name, group, IDLE, 0, keySha256, record, now);
            return true;
        });
    }

    /**
     * Makes stream {@code name} LIVE when it is not (a new session: count, playlist and recording start over),
     * queueing the event {@code startedEvent} makes of it; refused when {@code maxLive} streams are LIVE already.
     * A stream never created is created with {@code record}.
     */
    public Start start(String name, boolean record, int maxLive, Instant now, Function<LiveStream, OutboxEvent> startedEvent) {
        // an encoder sends its first segment and playlist at once, on two connections: one creates the row
        try {
            catalogue.transaction(c -> {
                if (locked(c, name) == null && liveCount(c) < maxLive) {
                    insert(c, name, null, IDLE, 0, null, record, now);
                }
                return null;
            });
        } catch (CatalogueException e) {
            if (!(e.getCause() instanceof SQLException sql) || !"23505".equals(sql.getSQLState())) {
                throw e;
            }
        }
        return catalogue.transaction(c -> {
            LiveStream s = locked(c, name);
            if (s != null && LIVE.equals(s.state())) {
                return new Start(s, false, false);
            }
            if (s == null || liveCount(c) >= maxLive) {
                return new Start(s, false, true);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET state = ?, session_no = session_no + 1, started = ?, "
                    + "updated = ?, last_segment_at = NULL, ended = NULL, segments = 0, playlist = NULL, recording = NULL, "
                    + "recording_state = ?, recording_error = NULL WHERE name = ?")) {
                ps.setString(1, LIVE);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setString(4, s.record() ? RECORDING : RECORD_OFF);
                ps.setString(5, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM live_playlists WHERE stream = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            LiveStream started = locked(c, name);
            OutboxStore.insert(c, startedEvent.apply(started));
            return new Start(started, true, false);
        });
    }

    /** Fixes the group of stream {@code name} when it has none yet (its first segment's); the group it has. */
    public String claimGroup(String name, String group) {
        return catalogue.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET grp = ? WHERE name = ? AND grp IS NULL")) {
                ps.setString(1, group);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            return locked(c, name).group();
        });
    }

    /**
     * Records segment {@code file} of the stream's current session as stored file {@code f} (with its first
     * replica and stored event); an earlier file of the same name is replaced (no longer served, its bytes
     * purged). {@code false} (nothing written) when the stream is not in that session any more, or not LIVE
     * unless {@code late} (a segment the final playlist lists, sent on another connection, arriving after it).
     */
    public boolean addFile(LiveFile file, FileRecord f, String node, Long mtime, OutboxEvent storedEvent, Instant now, boolean late) {
        try {
            return catalogue.transaction(c -> {
                LiveStream s = locked(c, file.stream());
                if (s == null || s.session() != file.session() || !(LIVE.equals(s.state()) || (late && ENDED.equals(s.state())))) {
                    return false;
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE live_files SET removed = ?, expires = ?, purge = ? "
                        + "WHERE stream = ? AND name = ? AND removed IS NULL")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setTimestamp(3, Timestamp.from(now));
                    ps.setString(4, file.stream());
                    ps.setString(5, file.name());
                    ps.executeUpdate();
                }
                FileStore.insertStoredIn(c, f, Map.of(), node, mtime, storedEvent);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO live_files (" + FILE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, f.id());
                    ps.setString(2, file.stream());
                    ps.setLong(3, file.session());
                    ps.setString(4, file.name());
                    ps.setString(5, file.playlist());
                    ps.setObject(6, file.msn());
                    ps.setObject(7, file.durationMs());
                    ps.setTimestamp(8, Timestamp.from(now));
                    ps.setTimestamp(9, null);
                    ps.setTimestamp(10, null);
                    ps.setTimestamp(11, null);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET segments = segments + 1, last_segment_at = ?, "
                        + "updated = ? WHERE name = ?")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setString(3, file.stream());
                    ps.executeUpdate();
                }
                return true;
            });
        } finally {
            catalogue.touched(f.id());
        }
    }

    /** What a playlist PUT says of each segment it lists: its media sequence number and duration. */
    public record Listed(String name, long msn, long durationMs) {
    }

    /**
     * Replaces playlist {@code playlist} of the stream's session {@code session} (whole), and records what it
     * lists of each segment; the first media playlist of a session is the one recorded. When {@code ends}
     * (EXT-X-ENDLIST), the stream is ENDED with the event {@code endedEvent} makes. {@code false} (nothing
     * written) when the stream is not LIVE in that session.
     */
    public boolean putPlaylist(LivePlaylist playlist, long session, List<Listed> listed, boolean ends, Instant now,
                               Function<LiveStream, OutboxEvent> endedEvent) {
        return catalogue.transaction(c -> {
            LiveStream s = locked(c, playlist.stream());
            if (s == null || !LIVE.equals(s.state()) || s.session() != session) {
                return false;
            }
            int updated;
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_playlists SET body = ?, target_ms = ?, window_ms = ?, updated = ? "
                    + "WHERE stream = ? AND name = ?")) {
                ps.setString(1, playlist.body());
                ps.setLong(2, playlist.targetMs());
                ps.setLong(3, playlist.windowMs());
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setString(5, playlist.stream());
                ps.setString(6, playlist.name());
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO live_playlists (stream, name, body, target_ms, window_ms, updated) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, playlist.stream());
                    ps.setString(2, playlist.name());
                    ps.setString(3, playlist.body());
                    ps.setLong(4, playlist.targetMs());
                    ps.setLong(5, playlist.windowMs());
                    ps.setTimestamp(6, Timestamp.from(now));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_files SET playlist = ?, msn = ?, duration_ms = ? "
                    + "WHERE stream = ? AND name = ? AND session_no = ? AND removed IS NULL")) {
                for (Listed l : listed) {
                    ps.setString(1, playlist.name());
                    ps.setLong(2, l.msn());
                    ps.setLong(3, l.durationMs());
                    ps.setString(4, playlist.stream());
                    ps.setString(5, l.name());
                    ps.setLong(6, session);
                    ps.addBatch();
                }
                if (!listed.isEmpty()) {
                    ps.executeBatch();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET updated = ?, playlist = COALESCE(playlist, ?) WHERE name = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setString(2, listed.isEmpty() ? null : playlist.name());
                ps.setString(3, playlist.stream());
                ps.executeUpdate();
            }
            if (ends) {
                end(c, s.name(), now, endedEvent);
            }
            return true;
        });
    }

    /** Playlist {@code name} of {@code stream} as last PUT. */
    public Optional<LivePlaylist> playlist(String stream, String name) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT stream, name, body, target_ms, window_ms, updated FROM live_playlists "
                    + "WHERE stream = ? AND name = ?")) {
                ps.setString(1, stream);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new LivePlaylist(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getLong(5), rs.getTimestamp(6).toInstant())) : Optional.empty();
                }
            }
        });
    }

    /** The file served as {@code name} of {@code stream}: the newest of that name not replaced; removed ones until they expire. */
    public Optional<LiveFile> file(String stream, String name) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM live_files WHERE stream = ? AND name = ? "
                    + "ORDER BY created DESC, file_id DESC")) {
                ps.setString(1, stream);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(file(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The current files of {@code stream} (not replaced, not removed), by name. */
    public Map<String, LiveFile> current(String stream) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM live_files WHERE stream = ? AND removed IS NULL")) {
                ps.setString(1, stream);
                Map<String, LiveFile> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        LiveFile f = file(rs);
                        out.put(f.name(), f);
                    }
                }
                return out;
            }
        });
    }

    /**
     * The encoder removed segment {@code name} (DELETE): it is served until {@code expires}, and its bytes go then,
     * or with the rest of the session after its recording when {@code keepForRecording}. {@code false} when there
     * is no such current segment.
     */
    public boolean remove(String stream, String name, Instant now, Function<LiveFile, Instant> expires, boolean keepForRecording) {
        return catalogue.transaction(c -> {
            LiveFile f;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM live_files WHERE stream = ? AND name = ? "
                    + "AND removed IS NULL")) {
                ps.setString(1, stream);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    f = file(rs);
                }
            }
            Instant until = expires.apply(f);
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_files SET removed = ?, expires = ?, purge = ? WHERE file_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(until));
                ps.setTimestamp(3, keepForRecording ? null : Timestamp.from(until));
                ps.setString(4, f.fileId());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** Ends every LIVE stream nothing was written to since {@code idleSince}, each with its event; their names. */
    public List<String> endIdle(Instant idleSince, Instant now, Function<LiveStream, OutboxEvent> endedEvent) {
        List<String> idle = catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM live_streams WHERE state = ? AND updated < ?")) {
                ps.setString(1, LIVE);
                ps.setTimestamp(2, Timestamp.from(idleSince));
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
        List<String> ended = new ArrayList<>();
        for (String name : idle) {
            boolean did = catalogue.transaction(c -> {
                LiveStream s = locked(c, name);
                if (s == null || !LIVE.equals(s.state()) || !s.updated().isBefore(idleSince)) {
                    return false; // another gateway ended it, or it was written to meanwhile
                }
                end(c, name, now, endedEvent);
                return true;
            });
            if (did) {
                ended.add(name);
            }
        }
        return ended;
    }

    /** The files of session {@code session} of {@code stream} listed by its recorded playlist, in media sequence order. */
    public List<LiveFile> recorded(String stream, long session, String playlist) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM live_files WHERE stream = ? AND session_no = ? "
                    + "AND playlist = ? AND NOT (removed IS NOT NULL AND purge IS NOT NULL AND purge <= removed) ORDER BY msn, created")) {
                ps.setString(1, stream);
                ps.setLong(2, session);
                ps.setString(3, playlist);
                List<LiveFile> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(file(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Records how the recording of session {@code session} went (file {@code recording} or an error) and that
     * every file of it goes at {@code purgeAt} (those still listed are served until then), with the event
     * {@code recordedEvent} makes (or none). {@code false} when the stream was started again meanwhile.
     */
    public boolean finish(String stream, long session, String recording, String state, String error, Instant purgeAt,
                          Function<LiveStream, OutboxEvent> recordedEvent) {
        return catalogue.transaction(c -> {
            LiveStream s = locked(c, stream);
            if (s == null || s.session() != session) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET recording = ?, recording_state = ?, recording_error = ? "
                    + "WHERE name = ?")) {
                ps.setString(1, recording);
                ps.setString(2, state);
                ps.setString(3, error == null ? null : error.length() > 1000 ? error.substring(0, 1000) + "…" : error);
                ps.setString(4, stream);
                ps.executeUpdate();
            }
            // still listed: served until purgeAt; removed by the encoder: until it expires, if that is later
            try (PreparedStatement ps = c.prepareStatement("UPDATE live_files SET expires = COALESCE(expires, ?), "
                    + "purge = GREATEST(COALESCE(expires, ?), ?) WHERE stream = ? AND session_no = ? AND purge IS NULL")) {
                ps.setTimestamp(1, Timestamp.from(purgeAt));
                ps.setTimestamp(2, Timestamp.from(purgeAt));
                ps.setTimestamp(3, Timestamp.from(purgeAt));
                ps.setString(4, stream);
                ps.setLong(5, session);
                ps.executeUpdate();
            }
            if (recordedEvent != null) {
                OutboxStore.insert(c, recordedEvent.apply(locked(c, stream)));
            }
            return true;
        });
    }

    /** Files whose bytes are due to go ({@code purge} passed), at most {@code limit}. */
    public List<LiveFile> due(Instant now, int limit) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM live_files WHERE purge <= ? ORDER BY purge "
                    + "FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                ps.setTimestamp(1, Timestamp.from(now));
                List<LiveFile> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(file(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Marks the file of live segment {@code f} deleted (its event removes every replica) and forgets the segment. */
    public void purge(LiveFile f, OutboxEvent deletedEvent) {
        catalogue.writing(f.fileId(), c -> {
            FileStore.markDeletedIn(c, f.fileId(), deletedEvent);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM live_files WHERE file_id = ?")) {
                ps.setString(1, f.fileId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void end(Connection c, String name, Instant now, Function<LiveStream, OutboxEvent> endedEvent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE live_streams SET state = ?, ended = ?, updated = ? WHERE name = ?")) {
            ps.setString(1, ENDED);
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, name);
            ps.executeUpdate();
        }
        OutboxStore.insert(c, endedEvent.apply(locked(c, name)));
    }

    private static void insert(Connection c, String name, String group, String state, long session, String keySha256, boolean record,
                               Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO live_streams (name, grp, state, session_no, key_sha256, record, created, "
                + "updated, segments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
            ps.setString(1, name);
            ps.setString(2, group);
            ps.setString(3, state);
            ps.setLong(4, session);
            ps.setString(5, keySha256);
            ps.setBoolean(6, record);
            ps.setTimestamp(7, Timestamp.from(now));
            ps.setTimestamp(8, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    private static int liveCount(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM live_streams WHERE state = ?")) {
            ps.setString(1, LIVE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static LiveStream locked(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + STREAM_COLUMNS + " FROM live_streams WHERE name = ? FOR UPDATE")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? stream(rs) : null;
            }
        }
    }

    private static LiveStream stream(ResultSet rs) throws SQLException {
        return new LiveStream(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getBoolean(6),
                instant(rs, 7), instant(rs, 8), instant(rs, 9), instant(rs, 10), instant(rs, 11), rs.getInt(12), rs.getString(13),
                rs.getString(14), rs.getString(15), rs.getString(16));
    }

    private static LiveFile file(ResultSet rs) throws SQLException {
        return new LiveFile(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5), Rows.longOrNull(rs, 6),
                Rows.longOrNull(rs, 7), instant(rs, 8), instant(rs, 9), instant(rs, 10), instant(rs, 11));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
