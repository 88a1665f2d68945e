package io.caravan.connectors.catalogue;

import static io.caravan.connectors.catalogue.Rows.FILE_COLUMNS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * The {@code file_meta} table and the search over {@code files.search_text}: key/value metadata of files
 * (rules in {@link FileMeta}) and the newest-first pages of {@code GET /files?q=}.
 */
public final class MetaStore {

    private final Catalogue catalogue;

    MetaStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The metadata of file {@code id}, sorted by key. */
    public Map<String, String> of(String id) {
        return of(List.of(id)).getOrDefault(id, Map.of());
    }

    /** The metadata of each of {@code ids} that has any, sorted by key. */
    public Map<String, Map<String, String>> of(List<String> ids) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (List<String> chunk : Rows.inLists(ids)) {
            catalogue.read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT file_id, k, v FROM file_meta WHERE file_id IN ("
                        + Rows.placeholders(chunk.size()) + ")")) {
                    Rows.bindAll(ps, chunk);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), rs.getString(3));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    /**
     * Applies {@code changes} (a {@code null} value removes the key) to the metadata of stored file {@code id}
     * and queues the event {@code event} makes of the file and its new metadata, in one transaction that
     * holds the file's row, so concurrent changes of different keys all survive. Empty when there is no such
     * stored file; throws {@link IllegalArgumentException} when the result breaks {@link FileMeta}'s rules.
     */
    public Optional<Map<String, String>> update(String id, Map<String, String> changes,
                                                BiFunction<FileRecord, Map<String, String>, OutboxEvent> event) {
        return catalogue.writing(id, c -> {
            FileRecord file;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + " FROM files f WHERE f.id = ? AND f.state = ? FOR UPDATE")) {
                ps.setString(1, id);
                ps.setString(2, FileRecord.STORED);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    file = Rows.file(rs);
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
            insert(c, id, updated);
            try (PreparedStatement ps = c.prepareStatement("UPDATE files SET search_text = ? WHERE id = ?")) {
                ps.setString(1, FileMeta.searchText(file.name(), updated));
                ps.setString(2, id);
                ps.executeUpdate();
            }
            OutboxStore.insert(c, event.apply(file, updated));
            return Optional.of(updated);
        });
    }

    /**
     * One page of stored files, newest first: those whose name or metadata contain {@code query.text()}
     * (normalized by {@link FileMeta#normalize}), of a content type starting with {@code query.type()}, in
     * group {@code query.group()} (each filter ignored when null), created before the cursor, at most {@code query.limit()};
     * files derived from others only when {@code query.derived()}.
     */
    public List<FileRecord> search(FileQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + FILE_COLUMNS + " FROM files f WHERE state = ?");
        List<Object> args = new ArrayList<>(List.of(FileRecord.STORED));
        if (query.text() != null && !query.text().isBlank()) {
            sql.append(" AND search_text LIKE ? ESCAPE '!'");
            args.add("%" + Rows.likeLiteral(FileMeta.normalize(query.text().trim())) + "%");
        }
        if (query.type() != null && !query.type().isBlank()) {
            sql.append(" AND content_type LIKE ? ESCAPE '!'");
            args.add(Rows.likeLiteral(query.type().trim().toLowerCase(Locale.ROOT)) + "%");
        }
        if (query.group() != null && !query.group().isBlank()) {
            sql.append(" AND grp = ?");
            args.add(query.group().trim());
        }
        if (!query.derived()) {
            sql.append(" AND NOT EXISTS (SELECT 1 FROM derived d WHERE d.file_id = f.id)");
            sql.append(" AND NOT EXISTS (SELECT 1 FROM live_files l WHERE l.file_id = f.id)");
        }
        if (query.beforeCreated() != null) {
            sql.append(" AND (created < ? OR (created = ? AND id < ?))");
            args.add(Timestamp.from(query.beforeCreated()));
            args.add(Timestamp.from(query.beforeCreated()));
            args.add(query.beforeId());
        }
        sql.append(" ORDER BY created DESC, id DESC FETCH FIRST ").append(Math.max(1, query.limit())).append(" ROWS ONLY");
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
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

    static void insert(Connection c, String id, Map<String, String> meta) throws SQLException {
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
}
