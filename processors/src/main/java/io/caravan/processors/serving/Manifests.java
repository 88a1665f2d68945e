package io.caravan.processors.serving;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.ManifestStore;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.SegmentHashes;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.serving.ServedFiles.ServedFile;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.tracker.Tracker;

/**
 * Manifests (bean {@code manifests}): what a client needs to download a file in segments from several
 * replicas at once: size, SHA-256, the SHA-256 of every segment (computed once, then kept), and a URL per
 * verified replica (a presigned URL for S3 nodes, the gateway with {@code ?replica=<node>} for disks).
 */
public class Manifests {

    /** A file, its segment hashes and one URL per readable copy. */
    public record Manifest(FileRecord file, SegmentHashes hashes, List<SourceUrl> sources) {
    }

    /** Where one copy can be read. */
    public record SourceUrl(String node, String url) {
    }

    /** At most this many segments per file: bigger files get bigger segments. */
    static final int MAX_SEGMENTS = 4096;
    private static final long MIB = 1024 * 1024;

    private final FileStore files;
    private final ManifestStore manifests;
    private final Serving serving;
    private final Tracker tracker;
    private final long segmentSize;
    private final Duration sourceTtl;

    /**
     * @param segmentSize bytes per segment for files whose manifest is computed from now on, at least 64 KiB
     *                    ({@code caravan.manifest.segment-size})
     * @param sourceTtl   how long the source URLs stay valid ({@code caravan.manifest.source-ttl})
     */
    public Manifests(FileStore files, ManifestStore manifests, Serving serving, Tracker tracker, long segmentSize,
                     Duration sourceTtl) {
        this.files = files;
        this.manifests = manifests;
        this.serving = serving;
        this.tracker = tracker;
        this.segmentSize = Math.max(64 * 1024, segmentSize);
        this.sourceTtl = sourceTtl;
    }

    /** The manifest of the stored file {@code id}. */
    public Manifest manifest(String id) throws IOException {
        ServedFile served = ServedFile.of(files.stored(id).orElseThrow(() -> NotFoundException.file(id)));
        List<SourceUrl> sources = sources(served);
        if (sources.isEmpty()) {
            throw new UnavailableException("no readable replica of " + id + " is available");
        }
        Optional<SegmentHashes> known = manifests.of(id);
        SegmentHashes hashes = known.isPresent() ? known.get() : compute(served);
        if (known.isEmpty()) {
            manifests.save(id, hashes);
        }
        return new Manifest(served.file(), hashes, sources);
    }

    /** One URL per verified replica on a readable node. */
    private List<SourceUrl> sources(ServedFile served) throws IOException {
        String id = served.file().id();
        List<SourceUrl> out = new ArrayList<>();
        for (Replica r : serving.readable(served)) {
            StorageNode node = tracker.nodes().node(r.node()).orElseThrow();
            String url = node.directUrl(served.file().blob(), sourceTtl).map(Object::toString).orElseGet(() -> gatewayUrl(id, r.node()));
            out.add(new SourceUrl(r.node(), url));
        }
        return out;
    }

    private String gatewayUrl(String id, String node) {
        UrlSigner signer = serving.signer();
        return signer.required() ? signer.signedPath(id, sourceTtl.toSeconds(), Instant.now()) + "&replica=" + node
                : "/files/" + id + "?replica=" + node;
    }

    /** Reads the file once from a good replica, hashing each segment; the whole must match the file's SHA-256. */
    private SegmentHashes compute(ServedFile served) throws IOException {
        FileRecord file = served.file();
        long size = segmentSize(file.size());
        List<String> hashes = new ArrayList<>();
        StorageNode node = serving.chooseReplica(served, null);
        MessageDigest digest = Sha256.digest();
        MessageDigest whole = Sha256.digest();
        byte[] buf = new byte[64 * 1024];
        long inSegment = 0;
        long total = 0;
        try (InputStream in = node.read(file.blob(), 0, file.size())) {
            int n;
            while ((n = in.read(buf, 0, (int) Math.min(buf.length, size - inSegment))) > 0) {
                digest.update(buf, 0, n);
                whole.update(buf, 0, n);
                inSegment += n;
                total += n;
                if (inSegment == size) {
                    hashes.add(Sha256.hex(digest));
                    inSegment = 0;
                }
            }
        }
        if (inSegment > 0) {
            hashes.add(Sha256.hex(digest));
        }
        if (total != file.size() || !Sha256.hex(whole).equals(file.sha256())) {
            throw new IOException("the copy of " + file.id() + " on " + node.name() + " does not match its size and SHA-256");
        }
        return new SegmentHashes(size, hashes);
    }

    /** The configured segment size, made larger (in whole MiB) so that no file has more than {@link #MAX_SEGMENTS}. */
    long segmentSize(long fileSize) {
        long needed = (fileSize + MAX_SEGMENTS - 1) / MAX_SEGMENTS;
        return Math.max(segmentSize, (needed + MIB - 1) / MIB * MIB);
    }
}
