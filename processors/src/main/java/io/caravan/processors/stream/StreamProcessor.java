package io.caravan.processors.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import io.caravan.processors.tracker.Tracker;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedStream;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a file's bytes (bean {@code stream}): GET and HEAD, a single Range, from a verified replica
 * on a readable node. If opening a replica fails (before any byte is sent), the next one is tried.
 */
public class StreamProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;
    private final AtomicInteger turn = new AtomicInteger();
    private int chunkSize = 64 * 1024;

    public StreamProcessor(Catalogue catalogue, Tracker tracker, ReplicaVerifier verifier) {
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.verifier = verifier;
    }

    /** Bytes read from storage per chunk written to the socket (default 64 KiB). */
    public void setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** Builds the response for {@code GET|HEAD /files/{id}}. */
    public HttpResponse serve(Exchange exchange) throws IOException {
        String id = FileRequests.fileId(exchange);
        FileRecord file = catalogue.find(id).filter(FileRecord::isStored)
                .orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        boolean head = "HEAD".equals(exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class));
        ByteRange range = ByteRange.parse(exchange.getIn().getHeader("Range", String.class), file.size());

        if (range != null && !range.isSatisfiable()) {
            HttpResponse r = HttpResponses.error(exchange, 416, "range not satisfiable for a file of " + file.size() + " bytes");
            r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + file.size());
            r.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
            return r;
        }
        HttpResponseStatus status = range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT;
        long offset = range == null ? 0 : range.first();
        long length = range == null ? file.size() : range.length();

        HttpResponse response;
        if (head || length == 0) {
            response = HttpResponses.empty(exchange, status);
        } else {
            response = new MediaResponse(status, open(file, offset, length));
            HttpResponses.finish(exchange, response);
        }
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, file.contentType());
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        h.set(HttpHeaderNames.ETAG, file.etag());
        h.set(HttpHeaderNames.LAST_MODIFIED, HTTP_DATE.format(file.created()));
        h.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
        if (range != null) {
            h.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(file.size()));
        }
        return response;
    }

    /**
     * Opens the bytes on the first verified replica, on a readable node, whose copy still checks out
     * (see {@link ReplicaVerifier}); tries the next when one fails. 503 when none is left.
     */
    private ChunkedInput<ByteBuf> open(FileRecord file, long offset, long length) {
        List<Replica> candidates = new ArrayList<>();
        for (Replica r : catalogue.replicas(file.id())) {
            if (r.isVerified() && tracker.state(r.node()).readable() && tracker.nodes().node(r.node()).isPresent()) {
                candidates.add(r);
            }
        }
        int start = candidates.isEmpty() ? 0 : Math.floorMod(turn.getAndIncrement(), candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Replica r = candidates.get((start + i) % candidates.size());
            StorageNode node = tracker.nodes().node(r.node()).orElseThrow();
            try {
                if (verifier.trusted(node, file, r)) {
                    return open(node, file, offset, length);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("replica of {} on {} failed to open, trying the next: {}", file.id(), node.name(), e.getMessage());
            }
        }
        throw new CaravanException(503, "no readable replica of " + file.id() + " is available");
    }

    private ChunkedInput<ByteBuf> open(StorageNode node, FileRecord file, long offset, long length) throws IOException {
        Optional<Path> local = node.localFile(file.id());
        if (local.isPresent()) {
            FileChannel ch = FileChannel.open(local.get(), StandardOpenOption.READ);
            if (ch.size() != file.size()) {
                ch.close();
                throw new IOException("size on disk " + ch.size() + " differs from the catalogue's " + file.size());
            }
            return new ChunkedNioFile(ch, offset, length, chunkSize);
        }
        InputStream in = node.read(file.id(), offset, length);
        return new ChunkedStream(in, chunkSize);
    }
}
