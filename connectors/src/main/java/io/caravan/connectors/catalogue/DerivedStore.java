package io.caravan.connectors.catalogue;

import static io.caravan.connectors.catalogue.Rows.FILE_COLUMNS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@code derived} table: files made from other files (posters, renditions), one stored file per source
 * and kind. Storing a kind again replaces the earlier file; deleting a source deletes its derived files
 * ({@link FileStore#markDeleted}).
 */
public final class DerivedStore {

    private final Catalogue catalogue;

    DerivedStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The stored files derived from {@code sourceId}, by kind. */
    public List<DerivedFile> of(String sourceId) {
        return catalogue.read(c -> derivedOf(c, sourceId));
    }

    /** What {@code fileId} was derived from, when it is a derived file. */
    public Optional<Derivation> sourceOf(String fileId) {
        return catalogue.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT source_id, kind FROM derived WHERE file_id = ?")) {
                ps.setString(1, fileId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Derivation(rs.getString(1), rs.getString(2))) : Optional.empty();
                }
            }
        });
    }

    /**
     * Records {@code f}, derived from a stored source as {@code derivation} says, with its first verified replica
     * and its event, in one transaction that locks the source's row: a stored file of the same source and kind
     * is marked deleted first, with the event {@code replacedEvent} makes of it. {@code false} (nothing written)
     * when the source is not a stored file (any more).
     */
    public boolean insert(FileRecord f, Map<String, String> meta, Derivation derivation, String node, Long mtime,
                          OutboxEvent event, Function<FileRecord, OutboxEvent> replacedEvent) {
        List<String> touched = new ArrayList<>(List.of(f.id()));
        try {
            return catalogue.transaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM files WHERE id = ? AND state = ? FOR UPDATE")) {
                    ps.setString(1, derivation.sourceId());
                    ps.setString(2, FileRecord.STORED);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return false;
                        }
                    }
                }
                for (DerivedFile old : derivedOf(c, derivation.sourceId())) {
                    if (old.kind().equals(derivation.kind())) {
                        FileStore.markDeletedIn(c, old.file().id(), replacedEvent.apply(old.file()));
                        delete(c, old.file().id());
                        touched.add(old.file().id());
                    }
                }
                FileStore.insertStoredIn(c, f, meta, node, mtime, event);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO derived (file_id, source_id, kind) VALUES (?, ?, ?)")) {
                    ps.setString(1, f.id());
                    ps.setString(2, derivation.sourceId());
                    ps.setString(3, derivation.kind());
                    ps.executeUpdate();
                }
                return true;
            });
        } finally {
            touched.forEach(catalogue::touched);
        }
    }

    /**
     * The stored files derived from {@code sourceId}. Writers lock the source's row first (a derived file is
     * stored, and a source deleted, only while it is held), so these rows do not change under them.
     */
    static List<DerivedFile> derivedOf(Connection c, String sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + FILE_COLUMNS + ", d.kind FROM derived d JOIN files f ON f.id = d.file_id "
                + "WHERE d.source_id = ? AND f.state = ? ORDER BY d.kind")) {
            ps.setString(1, sourceId);
            ps.setString(2, FileRecord.STORED);
            List<DerivedFile> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DerivedFile(rs.getString(10), Rows.file(rs)));
                }
            }
            return out;
        }
    }

    /** Forgets that {@code fileId} is a derived file. */
    static void delete(Connection c, String fileId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM derived WHERE file_id = ?")) {
            ps.setString(1, fileId);
            ps.executeUpdate();
        }
    }
}
