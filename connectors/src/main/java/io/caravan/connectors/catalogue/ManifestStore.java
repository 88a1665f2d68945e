package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;

/** The {@code manifests} table: the SHA-256 of every segment of a file, computed once for multi-source downloads. */
public final class ManifestStore {

    private final Catalogue catalogue;

    ManifestStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** The segment hashes recorded for file {@code id}, if they were computed already. */
    public Optional<SegmentHashes> of(String id) {
        return catalogue.read(c -> {
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
    public void save(String id, SegmentHashes hashes) {
        try {
            catalogue.read(c -> {
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
            if (of(id).isEmpty()) {
                throw raced;
            }
        }
    }
}
