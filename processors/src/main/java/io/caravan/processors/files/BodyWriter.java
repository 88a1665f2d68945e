package io.caravan.processors.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;

import io.caravan.connectors.storage.CountingInputStream;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.tracker.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a body to the node placement chooses under a new id, hashing it on the way and keeping its first
 * bytes: the part of storing a file that uploads and derived files share. Nothing is recorded here; what
 * fails leaves nothing on the node.
 */
public final class BodyWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BodyWriter.class);

    /** Bytes on a node, not yet recorded: where, under which id, how many, their SHA-256 and sniffed type. */
    public record Bytes(StorageNode node, String id, long size, String sha256, String detectedType) {

        /** Removes the bytes (a refused or failed file): quietly, the scrub removes what is left. */
        public void delete() {
            try {
                node.delete(id);
            } catch (IOException | RuntimeException e) {
                LOG.debug("could not remove {} from {}: {}", id, node.name(), e.getMessage());
            }
        }
    }

    private final IdAllocator ids;
    private final Placement placement;

    public BodyWriter(IdAllocator ids, Placement placement) {
        this.ids = ids;
        this.placement = placement;
    }

    /**
     * Writes {@code body} as the file {@code name} to a writable node of {@code request.group()} (any group when
     * null), trying another node when one fails before the first byte; checks the declared length and the claimed
     * content ({@code ?sha256=&size=}).
     */
    public Bytes write(UploadRequest request, String name, InputStream body) throws IOException {
        ClientBody client = new ClientBody(body);
        MessageDigest sha = Sha256.digest();
        ContentSniffer.Head head = new ContentSniffer.Head(client);
        CountingInputStream counted = new CountingInputStream(new DigestInputStream(head, sha));
        Set<String> failed = new HashSet<>();
        StorageNode node;
        String id;
        long size;
        while (true) {
            node = placement.choose(request.group(), failed);
            id = ids.newFileId(name);
            try {
                size = node.write(id, counted);
                break;
            } catch (IOException e) {
                new Bytes(node, id, 0, null, null).delete(); // what the failed write may have left
                if (client.failed) {
                    throw e; // the client went away: nothing to retry
                }
                if (counted.count() > 0) {
                    // part of the body is gone: it cannot be sent again to another node
                    throw new UnavailableException("storage node " + node.name() + " failed during the upload: "
                            + e.getMessage(), e);
                }
                LOG.warn("storage node {} failed before the upload started, trying another: {}", node.name(), e.getMessage());
                failed.add(node.name());
            }
        }
        Bytes bytes = new Bytes(node, id, size, Sha256.hex(sha), head.detected());
        if (request.declaredLength() >= 0 && size != request.declaredLength()) {
            bytes.delete();
            throw new InvalidInputException("body has " + size + " bytes, Content-Length said " + request.declaredLength());
        }
        ContentClaim claim = request.claim();
        if (claim != null && (!claim.sha256().equals(bytes.sha256()) || claim.size() != size)) {
            bytes.delete();
            throw new InvalidInputException("the body (" + size + " bytes, SHA-256 " + bytes.sha256()
                    + ") is not the content ?sha256=&size= announced");
        }
        return bytes;
    }

    /** The request body, remembering whether reading it failed (the client's fault, not a node's). */
    private static final class ClientBody extends FilterInputStream {
        boolean failed;

        ClientBody(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failed = true;
                throw e;
            }
        }
    }
}
