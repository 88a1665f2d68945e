package io.caravan.processors.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Pattern;

import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.DerivedStore;
import io.caravan.connectors.catalogue.Derivation;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.tracker.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derived files (bean {@code derivedFiles}): posters, thumbnails, renditions made from a stored file. A derived
 * file is a file like any other (id, replicas in its source's group, ranges, signed URLs, events), plus
 * {@code derivedFrom} and {@code kind}; storing a kind again replaces it, and deleting the source deletes its
 * derived files. Its {@code caravan.file.stored} event carries {@code derivedFrom} and {@code kind}, so a recipe
 * can skip its own outputs. The upload hooks are not asked: derived files are made by Caravan's own routes.
 */
public class DerivedFiles {

    private static final Logger LOG = LoggerFactory.getLogger(DerivedFiles.class);
    private static final Pattern KIND = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private final BodyWriter writer;
    private final FileStore files;
    private final DerivedStore derived;

    public DerivedFiles(IdAllocator ids, Placement placement, FileStore files, DerivedStore derived) {
        this.writer = new BodyWriter(ids, placement);
        this.files = files;
        this.derived = derived;
    }

    /**
     * Stores {@code body} as the {@code kind} of the stored file {@code sourceId}, in the source's group; the
     * request's name, type, metadata and declared length apply, its group does not.
     */
    public Uploads.Stored store(String sourceId, String kind, UploadRequest request, InputStream body) throws IOException {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new InvalidInputException("a kind is 1 to 32 of a-z 0-9 - (e.g. poster, audio-128k)");
        }
        FileRecord source = files.findStored(sourceId).orElseThrow(() -> NotFoundException.file(sourceId));
        String name = Uploads.cleanName(request.name());
        UploadRequest inGroup = new UploadRequest(name, request.contentType(), source.group(), request.meta(), null,
                request.declaredLength(), request.allowEmpty());
        BodyWriter.Bytes bytes = writer.write(inGroup, name, body);
        if (bytes.size() == 0 && !request.allowEmpty()) {
            bytes.delete();
            throw new InvalidInputException("empty derived file: the body has no bytes");
        }
        FileRecord file = new FileRecord(bytes.id(), name, bytes.size(), bytes.sha256(), MediaTypes.forUpload(request.contentType(), name),
                source.group(), FileRecord.STORED, Instant.now().truncatedTo(ChronoUnit.MILLIS), null);
        Map<String, Object> derivation = Map.of("derivedFrom", sourceId, "kind", kind);
        boolean recorded;
        try {
            StoredObject o = bytes.node().stat(bytes.id());
            recorded = derived.insert(file, request.meta(), new Derivation(sourceId, kind), bytes.node().name(),
                    o == null ? null : o.lastModified(),
                    CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, bytes.node().name(), request.meta(), derivation),
                    replaced -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, replaced, null, Map.of(), derivation));
        } catch (IOException | RuntimeException e) {
            bytes.delete();
            throw e;
        }
        if (!recorded) {
            bytes.delete();
            throw NotFoundException.file(sourceId); // deleted while its derived file was written
        }
        LOG.debug("stored {} ({} of {}, {} bytes) on {}", file.id(), kind, sourceId, file.size(), bytes.node().name());
        return new Uploads.Stored(file, request.meta());
    }

    /**
     * Stores the local file {@code path} (an ffmpeg output, say) as the {@code kind} of {@code sourceId}: what an
     * extension route calls. It is named after its source and kind with the path's suffix: the poster of
     * {@code Big Clip.mp4} is {@code Big Clip-poster.jpg}.
     */
    public Uploads.Stored storeFile(String sourceId, String kind, String path, String contentType) throws IOException {
        Path file = Path.of(path);
        FileRecord source = files.findStored(sourceId).orElseThrow(() -> NotFoundException.file(sourceId));
        try (InputStream in = Files.newInputStream(file)) {
            return store(sourceId, kind, new UploadRequest(derivedName(source.name(), kind, file.getFileName().toString()), contentType,
                    null, Map.of(), null, Files.size(file), false), in);
        }
    }

    /** Deletes the {@code kind} of {@code sourceId} (a rung a new packaging no longer has), with its event; nothing when there is none. */
    public void remove(String sourceId, String kind) {
        for (DerivedFile d : derived.of(sourceId)) {
            if (d.kind().equals(kind)) {
                files.markDeleted(d.file().id(), CloudEvents.fileEvent(CloudEvents.FILE_DELETED, d.file(), null),
                        f -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, f, null));
            }
        }
    }

    /** {@code <source name without its suffix>-<kind>.<the output's suffix>}. */
    static String derivedName(String sourceName, String kind, String outputName) {
        int dot = sourceName.lastIndexOf('.');
        String base = dot > 0 ? sourceName.substring(0, dot) : sourceName;
        int outDot = outputName.lastIndexOf('.');
        return base + "-" + kind + (outDot >= 0 ? outputName.substring(outDot) : "");
    }
}
