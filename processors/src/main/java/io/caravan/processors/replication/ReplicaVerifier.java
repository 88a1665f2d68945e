package io.caravan.processors.replication;

import java.io.IOException;
import java.io.InputStream;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.ReplicaStore;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.support.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a node's copy of a file may be served or copied from.
 *
 * <p>A checksum mismatch found while streaming cannot be reported once the headers are out, so
 * copies are checked <em>before</em> they are chosen: a copy whose size and modification time are
 * those recorded when its SHA-256 was last checked is trusted; any other is hashed again first, and
 * marked {@code BAD} (never served, repaired by the scrub) if it no longer matches.
 */
public class ReplicaVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaVerifier.class);

    private final ReplicaStore replicas;

    public ReplicaVerifier(ReplicaStore replicas) {
        this.replicas = replicas;
    }

    /**
     * Hashes the node's copy of {@code file}.
     *
     * @return the copy's modification time when size and SHA-256 match the catalogue, else {@code -1}
     */
    public long verify(StorageNode node, FileRecord file) throws IOException {
        StoredObject o = node.stat(file.blob());
        if (o == null || o.size() != file.size()) {
            return -1;
        }
        Sha256.Hashed hashed;
        try (InputStream in = node.read(file.blob(), 0, file.size())) {
            hashed = Sha256.of(in);
        }
        return hashed.sha256().equals(file.sha256()) ? o.lastModified() : -1;
    }

    /** {@code true} when the copy recorded as {@code replica} may be read; marks it BAD when it may not. */
    public boolean trusted(StorageNode node, FileRecord file, Replica replica) throws IOException {
        if (!replica.isVerified()) {
            return false;
        }
        StoredObject o = node.stat(file.blob());
        if (o != null && o.size() == file.size() && replica.verifiedMtime() != null
                && replica.verifiedMtime() == o.lastModified()) {
            return true;
        }
        long mtime = o == null || o.size() != file.size() ? -1 : verify(node, file);
        if (mtime < 0) {
            LOG.warn("copy of {} on {} is {}: marked BAD", file.blob(), node.name(), o == null ? "missing" : "corrupt");
            replicas.mark(file.blob(), node.name(), Replica.BAD);
            return false;
        }
        replicas.recordVerified(file.blob(), node.name(), null, null, mtime, null);
        return true;
    }
}
