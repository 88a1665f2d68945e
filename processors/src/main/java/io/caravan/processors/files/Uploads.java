package io.caravan.processors.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.storage.CountingInputStream;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.tracker.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores uploads (bean {@code uploads}): allocates the id, streams the body to the node placement chose
 * while hashing it, then records the file, its first replica and its event in one transaction. Bytes the
 * group has already are kept once (the new id shares them). Anything that fails before the commit leaves
 * nothing behind.
 */
public class Uploads {

    /** A stored file and its metadata: what the upload answers. */
    public record Stored(FileRecord file, Map<String, String> meta) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);
    private static final int MAX_NAME = 255;

    private final IdAllocator ids;
    private final Placement placement;
    private final FileStore files;
    private final UploadHooks hooks;
    private final boolean dedup;
    private final boolean instantUpload;

    /**
     * @param hooks         asked before the body is read and before the commit (the extension routes)
     * @param dedup         whether bytes already stored in the group are kept once ({@code caravan.dedup.enabled})
     * @param instantUpload whether a body-less upload of a known content succeeds ({@code caravan.dedup.instant-upload})
     */
    public Uploads(IdAllocator ids, Placement placement, FileStore files, UploadHooks hooks, boolean dedup, boolean instantUpload) {
        this.ids = ids;
        this.placement = placement;
        this.files = files;
        this.hooks = hooks;
        this.dedup = dedup;
        this.instantUpload = instantUpload;
    }

    /** Stores the file {@code request} describes, whose bytes {@code body} opens once the before-upload hook let it through. */
    public Stored store(UploadRequest request, UploadBody body) throws IOException {
        // before a byte is read: a refusal stores nothing, uses up no id and sends no 100 Continue
        hooks.beforeUpload(request.named(cleanName(request.name())));
        UploadBody.Opened opened = body.open();
        if (opened.form()) {
            request = request.withPart(opened.name(), opened.contentType());
        }
        return store(request, opened.in());
    }

    private Stored store(UploadRequest request, InputStream body) throws IOException {
        String name = cleanName(request.name());
        ClientBody client = new ClientBody(body);
        PushbackInputStream in = new PushbackInputStream(client, 1);
        int first = in.read();
        if (first < 0 && request.claim() != null) {
            return instant(name, request);
        }
        if (first < 0 && !request.allowEmpty()) {
            throw new InvalidInputException("empty upload: the body has no bytes (add ?allowEmpty=true to store an empty file)");
        }
        if (first >= 0) {
            in.unread(first);
        }
        MessageDigest sha = Sha256.digest();
        ContentSniffer.Head head = new ContentSniffer.Head(in);
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
                deleteQuietly(node, id);
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
        if (request.declaredLength() >= 0 && size != request.declaredLength()) {
            node.delete(id);
            throw new InvalidInputException("body has " + size + " bytes, Content-Length said " + request.declaredLength());
        }
        String sha256 = Sha256.hex(sha);
        ContentClaim claim = request.claim();
        if (claim != null && (!claim.sha256().equals(sha256) || claim.size() != size)) {
            node.delete(id);
            throw new InvalidInputException("the body (" + size + " bytes, SHA-256 " + sha256 + ") is not the content ?sha256=&size= announced");
        }
        try {
            hooks.beforeCommit(request.named(name), new UploadHooks.Written(id, name, node.name(), node.group(), size, sha256, head.detected()));
        } catch (RuntimeException refused) {
            deleteQuietly(node, id);
            throw refused;
        }
        FileRecord file = new FileRecord(id, name, size, sha256, MediaTypes.forUpload(request.contentType(), name), node.group(),
                FileRecord.STORED, now(), null);
        Optional<Stored> shared = dedup
                ? files.sameContent(file.group(), file.sha256(), file.size()).flatMap(same -> share(file, same, request.meta()))
                : Optional.empty();
        if (shared.isPresent()) {
            deleteQuietly(node, id); // the group has these bytes already: the new id uses them
            return shared.get();
        }
        try {
            StoredObject stored = node.stat(id);
            files.insertStored(file, request.meta(), node.name(), stored == null ? null : stored.lastModified(),
                    CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, node.name(), request.meta()));
        } catch (IOException | RuntimeException e) {
            node.delete(id);
            throw e;
        }
        LOG.debug("stored {} ({} bytes) on {}", id, size, node.name());
        return new Stored(file, request.meta());
    }

    /**
     * Records {@code file} as sharing the bytes of {@code same} (an earlier stored file with the same content);
     * empty when that content lost its last file meanwhile.
     */
    private Optional<Stored> share(FileRecord file, FileRecord same, Map<String, String> meta) {
        FileRecord shared = new FileRecord(file.id(), file.name(), file.size(), file.sha256(), file.contentType(), same.group(),
                FileRecord.STORED, file.created(), same.blob());
        if (!files.insertSharing(shared, meta, CloudEvents.fileEvent(CloudEvents.FILE_STORED, shared, null, meta))) {
            return Optional.empty();
        }
        LOG.debug("stored {} sharing the bytes of {}", shared.id(), shared.blob());
        return Optional.of(new Stored(shared, meta));
    }

    /** An upload with a claim and no body: a new id for content stored already, else not found. */
    private Stored instant(String name, UploadRequest request) {
        if (!instantUpload) {
            throw new InvalidInputException("instant upload is off on this server: send the bytes");
        }
        ContentClaim claim = request.claim();
        FileRecord same = files.sameContent(request.group(), claim.sha256(), claim.size())
                .orElseThrow(() -> new NotFoundException("no stored file has this content: upload the bytes"));
        String id = ids.newFileId(name);
        // no bytes are written: the hook hears of the content the client named, on no node
        hooks.beforeCommit(request.named(name), new UploadHooks.Written(id, name, null, same.group(), claim.size(), claim.sha256(), null));
        return share(new FileRecord(id, name, claim.size(), claim.sha256(), MediaTypes.forUpload(request.contentType(), name),
                same.group(), FileRecord.STORED, now(), null), same, request.meta())
                .orElseThrow(() -> new NotFoundException("no stored file has this content: upload the bytes"));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
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

    private static void deleteQuietly(StorageNode node, String id) {
        try {
            node.delete(id);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove {} from {}: {}", id, node.name(), e.getMessage());
        }
    }

    /** The base name, without path or control characters, at most 255 characters; "file" when empty. */
    static String cleanName(String raw) {
        if (raw == null) {
            return "file";
        }
        String s = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(sb::appendCodePoint);
        String clean = sb.toString().trim();
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            return "file";
        }
        return clean.length() > MAX_NAME ? clean.substring(0, MAX_NAME) : clean;
    }
}
