package io.caravan.processors.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.tracker.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores uploads (bean {@code uploads}): asks the hooks, streams the body to the node placement chose while
 * hashing it ({@link BodyWriter}), then records the file, its first replica and its event in one transaction. Bytes the
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
    private final BodyWriter writer;
    private final FileStore files;
    private final UploadHooks hooks;
    private final boolean dedup;
    private final boolean instantUpload;
    private final Placement placement;

    /**
     * @param hooks         asked before the body is read and before the commit (the extension routes)
     * @param dedup         whether bytes already stored in the group are kept once ({@code caravan.dedup.enabled})
     * @param instantUpload whether a body-less upload of a known content succeeds ({@code caravan.dedup.instant-upload})
     */
    public Uploads(IdAllocator ids, Placement placement, FileStore files, UploadHooks hooks, boolean dedup, boolean instantUpload) {
        this.ids = ids;
        this.placement = placement;
        this.writer = new BodyWriter(ids, placement);
        this.files = files;
        this.hooks = hooks;
        this.dedup = dedup;
        this.instantUpload = instantUpload;
    }

    /** Stores the file {@code request} describes, whose bytes {@code body} opens once the before-upload hook let it through. */
    public Stored store(UploadRequest request, UploadBody body) throws IOException {
        // before a byte is read: a refusal stores nothing, uses up no id and sends no 100 Continue
        placement.check(request.group());
        hooks.beforeUpload(request.named(cleanName(request.name())));
        UploadBody.Opened opened = body.open();
        if (opened.form()) {
            request = request.withPart(opened.name(), opened.contentType());
        }
        return storeOpened(request, opened.in(), true);
    }

    /**
     * Stores a file Caravan made itself (a live stream's recording) as an upload of {@code request}: the same
     * placement, dedup and stored event, without the upload hooks, which are the clients' policy.
     */
    public Stored storeMade(UploadRequest request, InputStream body) throws IOException {
        return storeOpened(request, body, false);
    }

    /** Stores an opened body: the empty-body rules, the bytes, the before-commit hook, dedup, the commit. */
    private Stored storeOpened(UploadRequest request, InputStream body, boolean hooked) throws IOException {
        String name = cleanName(request.name());
        PushbackInputStream in = new PushbackInputStream(body, 1);
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
        BodyWriter.Bytes bytes = writer.write(request, name, in);
        StorageNode node = bytes.node();
        try {
            if (hooked) {
                hooks.beforeCommit(request.named(name), new UploadHooks.Written(bytes.id(), name, node.name(), node.group(),
                        bytes.size(), bytes.sha256(), bytes.detectedType()));
            }
        } catch (RuntimeException refused) {
            bytes.delete();
            throw refused;
        }
        FileRecord file = new FileRecord(bytes.id(), name, bytes.size(), bytes.sha256(), MediaTypes.forUpload(request.contentType(), name),
                node.group(), FileRecord.STORED, now(), null);
        Optional<Stored> shared = dedup
                ? files.sameContent(file.group(), file.sha256(), file.size()).flatMap(same -> share(file, same, request.meta()))
                : Optional.empty();
        if (shared.isPresent()) {
            bytes.delete(); // the group has these bytes already: the new id uses them
            return shared.get();
        }
        try {
            StoredObject stored = node.stat(bytes.id());
            files.insertStored(file, request.meta(), node.name(), stored == null ? null : stored.lastModified(),
                    CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, node.name(), request.meta()));
        } catch (IOException | RuntimeException e) {
            node.delete(bytes.id());
            throw e;
        }
        LOG.debug("stored {} ({} bytes) on {}", file.id(), file.size(), node.name());
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
