package io.caravan.processors.stream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.Replica;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.CaravanHeaders;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.caravan.processors.replicate.ReplicaVerifier;
import io.caravan.processors.stream.ServedFiles.ServedFile;
import io.caravan.processors.tracker.Tracker;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a file's bytes (bean {@code stream}): GET and HEAD, a single Range, from a verified replica
 * on a readable node. If opening a replica fails (before any byte is sent), the next one is tried.
 */
public class StreamProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);

    private final Catalogue catalogue;
    private final ServedFiles files;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;
    private static final SecureRandom BOUNDARY = new SecureRandom();
    /** Validity of the presigned URL a relay sends at once (long enough for clocks a little apart). */
    private static final Duration RELAY_URL_TTL = Duration.ofHours(1);

    private final AtomicInteger turn = new AtomicInteger();
    private int chunkSize = 64 * 1024;
    private int remoteChunkSize = 256 * 1024;
    private boolean relay = true;

    private final ServingPolicy policy;
    private final UrlSigner signer;

    public StreamProcessor(Catalogue catalogue, ServedFiles files, Tracker tracker, ReplicaVerifier verifier,
                           ServingPolicy policy, UrlSigner signer) {
        this.catalogue = catalogue;
        this.files = files;
        this.tracker = tracker;
        this.verifier = verifier;
        this.policy = policy;
        this.signer = signer;
    }

    /** {@code POST /files/{id}/url?ttl=<seconds>}: a signed URL for the file (default ttl 1 h, at most 1 year). */
    public HttpResponse signedUrl(Exchange exchange) {
        String id = FileRequests.fileId(exchange);
        catalogue.find(id).filter(FileRecord::isStored).orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        long ttl;
        try {
            ttl = Long.parseLong(exchange.getIn().getHeader("ttl", "3600", String.class).trim());
        } catch (NumberFormatException e) {
            throw CaravanException.badRequest("ttl must be a number of seconds");
        }
        if (ttl < 1 || ttl > 366L * 24 * 3600) {
            throw CaravanException.badRequest("ttl must be between 1 second and 1 year");
        }
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", signer.signedPath(id, ttl, now));
        body.put("expires", now.getEpochSecond() + ttl);
        return HttpResponses.json(exchange, 200, body);
    }

    /** {@code OPTIONS /files/{id}}: the CORS preflight for browser players. */
    public HttpResponse preflight(Exchange exchange) {
        HttpResponse r = HttpResponses.empty(exchange, HttpResponseStatus.NO_CONTENT);
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
        policy.preflight(exchange.getIn().getHeader("Origin", String.class), r.headers());
        return r;
    }

    /** Bytes read from a local file per chunk written to the socket, where zero-copy does not apply (default 64 KiB). */
    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** Bytes read from a remote node (S3) per chunk written to the socket (default 256 KiB). */
    public void setRemoteChunkSize(int remoteChunkSize) {
        this.remoteChunkSize = remoteChunkSize;
    }

    /**
     * Whether a single range from a node with a plain-HTTP object URL (an S3 node on {@code http://}) is relayed
     * by Netty from a presigned URL ({@link RelayedResponse}: no copy through the heap, as a reverse proxy does)
     * instead of read through the node's SDK stream (default true).
     */
    public void setRelay(boolean relay) {
        this.relay = relay;
    }

    /**
     * Whether answering this request may block (read the catalogue, open a remote object): {@code false}
     * for preflights and for files fresh in the read cache with a verified copy on a local disk.
     */
    public boolean mayBlock(Exchange exchange) {
        if ("OPTIONS".equals(exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class))) {
            return false;
        }
        if (replicaHint(exchange) != null) {
            return true;
        }
        ServedFile cached = files.cached(FileRequests.fileId(exchange)).orElse(null);
        if (cached == null) {
            return true;
        }
        for (Replica r : cached.replicas()) {
            if (r.isVerified() && tracker.nodes().node(r.node()).flatMap(n -> n.localFile(r.blob())).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** Builds the response for {@code GET|HEAD /files/{id}}: conditional requests, one or several ranges. */
    public HttpResponse serve(Exchange exchange) throws IOException {
        String id = FileRequests.fileId(exchange);
        if (signer.required()) {
            signer.check(id, exchange.getIn().getHeader("expires", String.class), exchange.getIn().getHeader("sig", String.class),
                    Instant.now());
        }
        if (replicaHint(exchange) != null) {
            files.evict(id); // a node's copy named by a manifest may be newer than the cache
        }
        ServedFile stored = files.get(id).orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        FileRecord file = stored.file();
        String method = exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class);
        HttpConditions.Outcome outcome = HttpConditions.evaluate(method,
                name -> exchange.getIn().getHeader(name, String.class), file.size(), file.etag(), file.created());

        HttpResponse response;
        switch (outcome.status()) {
            case 304 -> {
                response = HttpResponses.empty(exchange, HttpResponseStatus.NOT_MODIFIED);
                validators(response.headers(), stored);
                policy.cors(exchange.getIn().getHeader("Origin", String.class), response.headers());
                return response;
            }
            case 412 -> {
                return HttpResponses.error(exchange, 412, "precondition failed");
            }
            case 416 -> {
                response = HttpResponses.error(exchange, 416, "range not satisfiable for a file of " + file.size() + " bytes");
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + file.size());
                response.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
                return response;
            }
            default -> { }
        }
        List<ByteRange> ranges = outcome.ranges();
        boolean head = "HEAD".equals(method);
        HttpResponseStatus status = ranges == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT;
        String contentType = file.contentType();
        long length;
        String contentRange = null;
        ChunkedInput<ByteBuf> body = null;
        HttpResponse direct = null; // a body the transport sends without the heap (sendfile, relay)
        if (ranges != null && ranges.size() > 1) {
            String boundary = Long.toHexString(BOUNDARY.nextLong() & Long.MAX_VALUE) + Long.toHexString(System.nanoTime());
            StorageNode node = head ? null : chooseReplica(stored, replicaHint(exchange));
            MultipartRangesInput parts = new MultipartRangesInput(ranges, file.size(), file.contentType(), boundary,
                    r -> open(node, file, r.first(), r.length()));
            contentType = "multipart/byteranges; boundary=" + boundary;
            length = parts.length();
            body = parts;
        } else {
            ByteRange range = ranges == null ? new ByteRange(0, file.size() - 1) : ranges.get(0);
            length = file.size() == 0 ? 0 : range.length();
            if (ranges != null) {
                contentRange = range.contentRange(file.size());
            }
            if (!head && length > 0) {
                StorageNode node = chooseReplica(stored, replicaHint(exchange));
                Optional<Path> local = node.localFile(file.blob());
                Optional<URI> source = local.isPresent() ? Optional.empty() : relaySource(node, file);
                if (local.isPresent()) {
                    // a local disk: sent zero-copy (ZeroCopyEncoder)
                    direct = new FileRegionResponse(status, openChannel(local.get(), file), range.first(), range.length());
                } else if (source.isPresent()) {
                    // a remote node with a plain-HTTP URL: relayed buffer by buffer (ZeroCopyEncoder, HttpRelay)
                    direct = new RelayedResponse(status, source.get(), range.first(), range.length());
                } else {
                    body = open(node, file, range.first(), range.length());
                }
            }
        }
        if (direct != null) {
            response = direct;
            HttpResponses.finish(exchange, response);
        } else if (head || body == null) {
            if (body != null) {
                closeQuietly(body);
            }
            response = HttpResponses.empty(exchange, status);
        } else {
            response = new MediaResponse(status, body);
            HttpResponses.finish(exchange, response);
        }
        return headers(exchange, response, stored, contentType, length, contentRange);
    }

    private HttpResponse headers(Exchange exchange, HttpResponse response, ServedFile file, String contentType,
                                 long length, String contentRange) {
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.set(HttpHeaderNames.CONTENT_DISPOSITION, file.disposition());
        policy.cors(exchange.getIn().getHeader("Origin", String.class), h);
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        validators(h, file);
        if (contentRange != null) {
            h.set(HttpHeaderNames.CONTENT_RANGE, contentRange);
        }
        return response;
    }

    /** The local file, checked against the catalogue's size. */
    private static FileChannel openChannel(Path path, FileRecord file) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        if (ch.size() != file.size()) {
            ch.close();
            throw new IOException("size on disk " + ch.size() + " differs from the catalogue's " + file.size());
        }
        return ch;
    }

    private static void validators(HttpHeaders h, ServedFile file) {
        h.set(HttpHeaderNames.ETAG, file.file().etag());
        h.set(HttpHeaderNames.LAST_MODIFIED, file.lastModified());
        h.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
    }

    private static void closeQuietly(ChunkedInput<ByteBuf> body) {
        try {
            body.close();
        } catch (Exception e) {
            LOG.debug("closing an unused body: {}", e.getMessage());
        }
    }

    /**
     * The first verified replica, on a readable node, whose copy still checks out (see {@link ReplicaVerifier}).
     * If none does and the replicas came from the cache ({@link ServedFiles}), they are read again once (another
     * gateway may have deleted the file or re-placed it): 404 if the file is gone, 503 if still no replica.
     * With {@code hint} (a node name, {@code ?replica=}, as manifests give it) only that node's copy is used:
     * 404 if it has no verified copy, 503 if that copy cannot be read now.
     */
    StorageNode chooseReplica(ServedFile stored, String hint) {
        String id = stored.file().id();
        if (hint != null && stored.replicas().stream().noneMatch(r -> r.node().equals(hint) && r.isVerified())) {
            throw CaravanException.notFound("node " + hint + " has no verified copy of " + id);
        }
        StorageNode node = firstTrusted(stored, hint);
        if (node == null && hint == null) {
            files.evict(id);
            node = firstTrusted(files.get(id).orElseThrow(() -> CaravanException.notFound("no such file: " + id)), null);
        }
        if (node == null) {
            throw new CaravanException(503, "no readable replica of " + id + (hint == null ? "" : " on " + hint) + " is available");
        }
        return node;
    }

    /** The verified replicas on nodes this gateway knows and the tracker lets it read from. */
    List<Replica> readable(ServedFile stored) {
        List<Replica> out = new ArrayList<>();
        for (Replica r : stored.replicas()) {
            if (r.isVerified() && tracker.state(r.node()).readable() && tracker.nodes().node(r.node()).isPresent()) {
                out.add(r);
            }
        }
        return out;
    }

    /** The {@code ?replica=<node>} of the request, or null. */
    private static String replicaHint(Exchange exchange) {
        String hint = exchange.getIn().getHeader("replica", String.class);
        return hint == null || hint.isBlank() ? null : hint.trim();
    }

    /**
     * Tries the readable verified replicas (only {@code hint}'s, when given) in turn, round-robin start;
     * {@code null} when none checks out.
     */
    private StorageNode firstTrusted(ServedFile stored, String hint) {
        FileRecord file = stored.file();
        List<Replica> candidates = readable(stored).stream().filter(r -> hint == null || hint.equals(r.node())).toList();
        int start = candidates.isEmpty() ? 0 : Math.floorMod(turn.getAndIncrement(), candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Replica r = candidates.get((start + i) % candidates.size());
            StorageNode node = tracker.nodes().node(r.node()).orElse(null);
            try {
                if (node != null && verifier.trusted(node, file, r)) {
                    return node;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("replica of {} on {} failed, trying the next: {}", file.id(), r.node(), e.getMessage());
            }
        }
        return null;
    }

    /**
     * The object's presigned URL when it is plain HTTP; empty when the relay is off or the node has no such
     * URL (a local disk; TLS sources are read through the node's SDK).
     */
    private Optional<URI> relaySource(StorageNode node, FileRecord file) throws IOException {
        if (!relay) {
            return Optional.empty();
        }
        return node.directUrl(file.blob(), RELAY_URL_TTL).filter(u -> "http".equalsIgnoreCase(u.getScheme()));
    }

    private ChunkedInput<ByteBuf> open(StorageNode node, FileRecord file, long offset, long length) throws IOException {
        Optional<Path> local = node.localFile(file.blob());
        if (local.isPresent()) {
            return new ChunkedNioFile(openChannel(local.get(), file), offset, length, chunkSize);
        }
        InputStream in = node.read(file.blob(), offset, length);
        return new FullChunkStream(in, length, remoteChunkSize);
    }
}
