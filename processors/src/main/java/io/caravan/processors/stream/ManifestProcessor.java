package io.caravan.processors.stream;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.Replica;
import io.caravan.processors.catalogue.SegmentHashes;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.caravan.processors.stream.ServedFiles.ServedFile;
import io.caravan.processors.tracker.Tracker;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;

/**
 * {@code GET /files/{id}/manifest} (bean {@code manifest}): what a client needs to download a file in
 * segments from several replicas at once: size, SHA-256, the SHA-256 of every segment, and a URL per
 * verified replica (a presigned URL for S3 nodes, the gateway with {@code ?replica=<node>} for disks).
 */
public class ManifestProcessor {

    /** At most this many segments per file: bigger files get bigger segments. */
    static final int MAX_SEGMENTS = 4096;
    private static final long MIB = 1024 * 1024;

    private final Catalogue catalogue;
    private final StreamProcessor stream;
    private final Tracker tracker;
    private final UrlSigner signer;
    private long segmentSize = 4 * MIB;
    private Duration sourceTtl = Duration.ofHours(1);

    public ManifestProcessor(Catalogue catalogue, StreamProcessor stream, Tracker tracker, UrlSigner signer) {
        this.catalogue = catalogue;
        this.stream = stream;
        this.tracker = tracker;
        this.signer = signer;
    }

    /** Bytes per segment for files whose manifest is computed from now on (default 4 MiB, at least 64 KiB). */
    public void setSegmentSize(long segmentSize) {
        this.segmentSize = Math.max(64 * 1024, segmentSize);
    }

    /** How long the source URLs of a manifest stay valid (default 1 h; presigned and signed URLs expire). */
    public void setSourceTtl(Duration sourceTtl) {
        this.sourceTtl = sourceTtl;
    }

    public HttpResponse manifest(Exchange exchange) throws IOException {
        String id = FileRequests.fileId(exchange);
        ServedFile served = ServedFile.of(catalogue.stored(id).orElseThrow(() -> CaravanException.notFound("no such file: " + id)));
        FileRecord file = served.file();
        List<Map<String, Object>> sources = sources(served);
        if (sources.isEmpty()) {
            throw new CaravanException(503, "no readable replica of " + id + " is available");
        }
        Optional<SegmentHashes> known = catalogue.segmentHashes(id);
        SegmentHashes hashes = known.isPresent() ? known.get() : compute(served);
        if (known.isEmpty()) {
            catalogue.saveSegmentHashes(id, hashes);
        }
        List<Map<String, Object>> segments = new ArrayList<>();
        for (int i = 0; i < hashes.sha256().size(); i++) {
            long offset = i * hashes.segmentSize();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("index", i);
            s.put("offset", offset);
            s.put("length", Math.min(hashes.segmentSize(), file.size() - offset));
            s.put("sha256", hashes.sha256().get(i));
            segments.add(s);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", file.id());
        body.put("name", file.name());
        body.put("size", file.size());
        body.put("sha256", file.sha256());
        body.put("contentType", file.contentType());
        body.put("segmentSize", hashes.segmentSize());
        body.put("segments", segments);
        body.put("sources", sources);
        return HttpResponses.json(exchange, 200, body);
    }

    /** One URL per verified replica on a readable node. */
    private List<Map<String, Object>> sources(ServedFile served) throws IOException {
        String id = served.file().id();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Replica r : stream.readable(served)) {
            StorageNode node = tracker.nodes().node(r.node()).orElseThrow();
            String url = node.directUrl(served.file().blob(), sourceTtl).map(Object::toString).orElseGet(() -> gatewayUrl(id, r.node()));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("node", r.node());
            s.put("url", url);
            out.add(s);
        }
        return out;
    }

    private String gatewayUrl(String id, String node) {
        return signer.required() ? signer.signedPath(id, sourceTtl.toSeconds(), Instant.now()) + "&replica=" + node
                : "/files/" + id + "?replica=" + node;
    }

    /** Reads the file once from a good replica, hashing each segment; the whole must match the file's SHA-256. */
    private SegmentHashes compute(ServedFile served) throws IOException {
        FileRecord file = served.file();
        long size = segmentSize(file.size());
        List<String> hashes = new ArrayList<>();
        StorageNode node = stream.chooseReplica(served, null);
        MessageDigest digest = sha256();
        MessageDigest whole = sha256();
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
                    hashes.add(HexFormat.of().formatHex(digest.digest()));
                    inSegment = 0;
                }
            }
        }
        if (inSegment > 0) {
            hashes.add(HexFormat.of().formatHex(digest.digest()));
        }
        if (total != file.size() || !HexFormat.of().formatHex(whole.digest()).equals(file.sha256())) {
            throw new IOException("the copy of " + file.id() + " on " + node.name() + " does not match its size and SHA-256");
        }
        return new SegmentHashes(size, hashes);
    }

    /** The configured segment size, made larger (in whole MiB) so that no file has more than {@link #MAX_SEGMENTS}. */
    long segmentSize(long fileSize) {
        long needed = (fileSize + MAX_SEGMENTS - 1) / MAX_SEGMENTS;
        return Math.max(segmentSize, (needed + MIB - 1) / MIB * MIB);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
