package io.caravan.connectors.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One storage node: a place that keeps whole files under a key (the file id).
 *
 * <p>Writes are atomic: a key becomes visible only when {@link #write} returns; a failed write
 * leaves nothing behind. Implementations are thread safe.
 */
public interface StorageNode extends AutoCloseable {

    /** Key prefix of the small objects the tracker writes to probe a node; never listed. */
    String PROBE_PREFIX = "caravan-probe-";

    /** Key of the node's identity (cluster, node, group, created), written when the node is formatted; never listed. */
    String IDENTITY_KEY = "caravan-node.json";

    /** The node name, unique in the cluster (e.g. {@code g1-a}). */
    String name();

    /** The group the node belongs to (e.g. {@code g1}); all nodes of a group hold the same files. */
    String group();

    /** {@code disk} or {@code s3}. */
    String kind();

    /**
     * Stores everything {@code in} yields under {@code key}, replacing any earlier object. The
     * stream is read to its end (its own checks, e.g. a checksum, may fail the write by throwing).
     *
     * @return the number of bytes stored
     */
    long write(String key, InputStream in) throws IOException;

    /** Opens {@code length} bytes of the object starting at {@code offset}. */
    InputStream read(String key, long offset, long length) throws IOException;

    /** The object's size and modification time, or {@code null} when the node has no such object. */
    StoredObject stat(String key) throws IOException;

    /** The object's size in bytes, or {@code -1} when the node has no such object. */
    default long size(String key) throws IOException {
        StoredObject o = stat(key);
        return o == null ? -1 : o.size();
    }

    /** Calls {@code visitor} for every object on the node (not for temporary or probe objects). */
    void list(Consumer<StoredObject> visitor) throws IOException;

    /** Removes the object; {@code true} if it existed. */
    boolean delete(String key) throws IOException;

    /** Bytes still free on the node ({@link Long#MAX_VALUE} when the backend does not say). */
    long freeSpace() throws IOException;

    /** Makes the node ready for use (creates its directory or bucket); called until the node answers. */
    default void prepare() throws IOException {
    }

    /**
     * The node's identity as written by {@link #writeIdentity}, read without creating anything: empty when the node
     * has none (its directory or bucket missing, or empty); an error when the node cannot be read at all.
     */
    Optional<String> readIdentity() throws IOException;

    /** Formats the node: creates its directory or bucket when needed and writes {@code identity} atomically. */
    void writeIdentity(String identity) throws IOException;

    /** Whether the node holds no object (temporary, probe and identity objects aside), read without creating anything. */
    boolean isEmpty() throws IOException;

    /** The object as a local file, when the node is a local disk (lets HTTP send it zero-copy). */
    default Optional<Path> localFile(String key) {
        return Optional.empty();
    }

    /**
     * A URL clients can read the object from without the gateway, valid for {@code ttl} (a presigned S3
     * URL); empty when the node has no such address (a local disk).
     */
    default Optional<URI> directUrl(String key, Duration ttl) throws IOException {
        return Optional.empty();
    }

    @Override
    default void close() {
    }
}
