package io.caravan.processors.api;

import static io.caravan.processors.api.Requests.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.processors.files.FileIds;
import io.caravan.processors.live.LiveNames;
import io.caravan.processors.live.LiveStreams;
import io.caravan.processors.media.HlsFiles;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.netty.MediaBodies;
import io.caravan.processors.netty.MediaResponse;
import io.caravan.processors.netty.MultipartRangesInput;
import io.caravan.processors.netty.RelayedResponse;
import io.caravan.processors.serving.ByteRange;
import io.caravan.processors.serving.HlsServing;
import io.caravan.processors.serving.HttpConditions;
import io.caravan.processors.serving.Manifests;
import io.caravan.processors.serving.ServedFiles.ServedFile;
import io.caravan.processors.serving.Serving;
import io.caravan.processors.serving.ServingPolicy;
import io.caravan.processors.serving.Source;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Header;
import org.apache.camel.Headers;

/**
 * Streaming (bean {@code streamApi}): {@code GET} and {@code HEAD /files/{id}} answered from the copy
 * {@link Serving} chooses (whole, one range, or several as {@code multipart/byteranges}; 304/412/416 by
 * {@link HttpConditions}), the CORS preflight, signed URLs and manifests.
 */
public class StreamApi {

    private static final SecureRandom BOUNDARY = new SecureRandom();

    private final LiveStreams live;
    private final Serving serving;
    private final Manifests manifests;
    private final ServingPolicy policy;
    private final HlsServing hls;

    private final CaravanMetrics metrics;

    public StreamApi(Serving serving, Manifests manifests, ServingPolicy policy, HlsServing hls, LiveStreams live, CaravanMetrics metrics) {
        this.metrics = metrics;
        this.hls = hls;
        this.live = live;
        this.serving = serving;
        this.manifests = manifests;
        this.policy = policy;
    }

    /**
     * Whether answering may block (read the catalogue, open a remote object): {@code false} for preflights and
     * for files fresh in the read cache with a verified copy on a local disk, which are answered on the network thread.
     */
    public boolean mayBlock(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.ID) String id,
                            @Header(CaravanHeaders.REPLICA_PARAM) String replica) {
        return !"OPTIONS".equals(method) && serving.mayBlock(Requests.fileId(id), hint(replica));
    }

    /**
     * Whether answering an HLS request may block: {@code false} for preflights and for a rendition's media whose
     * packaging is in the READY cache with a verified copy on a local disk (segment GETs, sent zero-copy on the
     * network thread like {@link #mayBlock}); playlists are read and rewritten, so they move off it.
     */
    public boolean hlsMayBlock(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.ID) String id,
                               @Header(CaravanHeaders.HLS_FILE) String name) {
        if ("OPTIONS".equals(method)) {
            return false;
        }
        if (name == null || HlsFiles.isPlaylist(name) || !FileIds.isValid(id)) {
            return true;
        }
        return hls.cached(id, name).map(d -> serving.mayBlock(d.file().id(), null)).orElse(true);
    }

    /** {@code OPTIONS /files/{id}}: the CORS preflight for browser players. */
    public FullHttpResponse preflight(@Header(CaravanHeaders.ORIGIN) String origin) {
        FullHttpResponse r = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD, OPTIONS");
        policy.preflight(origin, r.headers()::add);
        return r;
    }

    /** {@code GET|HEAD /files/{id}}: conditional requests, one or several ranges. */
    public HttpResponse serve(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.ID) String id,
                              @Headers Map<String, Object> headers) throws IOException {
        String hint = hint(text(headers, CaravanHeaders.REPLICA_PARAM));
        ServedFile stored = serving.file(Requests.fileId(id), text(headers, CaravanHeaders.EXPIRES_PARAM),
                text(headers, CaravanHeaders.SIG_PARAM), hint);
        return respond(method, stored, headers, hint, text(headers, CaravanHeaders.ORIGIN));
    }

    /**
     * {@code GET|HEAD|OPTIONS /files/{id}/hls/{file}}: the master playlist, a variant playlist or a rendition's media
     * (ranges, sendfile from disk nodes), each with its own signature when signed URLs are on.
     */
    public HttpResponse hls(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.ID) String id,
                            @Header(CaravanHeaders.HLS_FILE) String name, @Headers Map<String, Object> headers) throws IOException {
        String origin = text(headers, CaravanHeaders.ORIGIN);
        if ("OPTIONS".equals(method)) {
            return preflight(origin);
        }
        String sourceId = Requests.fileId(id);
        String expires = text(headers, CaravanHeaders.EXPIRES_PARAM);
        DerivedFile file = hls.locate(sourceId, name, expires, text(headers, CaravanHeaders.SIG_PARAM), Instant.now());
        ServedFile stored = serving.stored(file.file().id());
        if (!HlsFiles.isPlaylist(name)) {
            return respond(method, stored, headers, null, origin);
        }
        String text = hls.playlist(sourceId, HlsServing.read(serving.open(file.file().id())), expires);
        // signed: the URIs inside expire with the request's own signature, so no cache may keep it longer
        FullHttpResponse r = playlist(method, text, false, stored.file().etag(), expires == null ? "public, max-age=31536000, immutable"
                : "private, max-age=" + Math.max(0, Long.parseLong(expires.trim()) - Instant.now().getEpochSecond()), origin);
        r.headers().set(HttpHeaderNames.LAST_MODIFIED, stored.lastModified());
        return r;
    }

    /**
     * {@code GET|HEAD|OPTIONS /live/{stream}/{file}}: a live playlist as this gateway can serve it (cacheable for
     * half its target duration) or a segment (ranges, sendfile from disk nodes, immutable).
     */
    public HttpResponse live(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.LIVE_STREAM) String stream,
                             @Header(CaravanHeaders.LIVE_FILE) String name, @Headers Map<String, Object> headers) throws IOException {
        String origin = text(headers, CaravanHeaders.ORIGIN);
        if ("OPTIONS".equals(method)) {
            return preflight(origin);
        }
        if (!LiveNames.isPlaylist(name)) {
            return respond(method, serving.stored(live.segment(stream, name)), headers, null, origin);
        }
        LiveStreams.Served p = live.playlist(stream, name);
        String inm = text(headers, CaravanHeaders.IF_NONE_MATCH);
        return playlist(method, p.text(), inm != null && inm.contains(p.etag()), p.etag(), "public, max-age=" + p.maxAgeSeconds(), origin);
    }

    /** A playlist as answered: 200 (HEAD: without its body) or 304 when {@code notModified}, with its validators and CORS. */
    private FullHttpResponse playlist(String method, String text, boolean notModified, String etag, String cacheControl, String origin) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = notModified ? HttpResponses.empty(HttpResponseStatus.NOT_MODIFIED)
                : "HEAD".equals(method) ? HttpResponses.empty(HttpResponseStatus.OK)
                : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
        HttpHeaders h = r.headers();
        if (!notModified) {
            h.set(HttpHeaderNames.CONTENT_TYPE, HlsFiles.PLAYLIST_TYPE);
            h.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        h.set(HttpHeaderNames.ETAG, etag);
        h.set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        policy.cors(origin, h::add);
        return r;
    }

    private HttpResponse respond(String method, ServedFile stored, Map<String, Object> headers, String hint, String origin)
            throws IOException {
        FileRecord file = stored.file();
        HttpConditions.Outcome outcome = HttpConditions.evaluate(method, name -> text(headers, name), file.size(),
                file.etag(), file.created());
        switch (outcome.answer()) {
            case NOT_MODIFIED -> {
                FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NOT_MODIFIED);
                validators(response.headers(), stored);
                policy.cors(origin, response.headers()::add);
                return response;
            }
            case PRECONDITION_FAILED -> {
                return HttpResponses.error(412, "precondition failed");
            }
            case RANGE_NOT_SATISFIABLE -> {
                FullHttpResponse response = HttpResponses.error(416, "range not satisfiable for a file of " + file.size() + " bytes");
                response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + file.size());
                response.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
                return response;
            }
            default -> {
                // redirect read mode: one range or the whole file of an S3 copy, straight from S3 (a HEAD, or
                // several ranges, which S3 does not answer as multipart, are answered here)
                if (!"HEAD".equals(method) && (outcome.ranges() == null || outcome.ranges().size() == 1)) {
                    Optional<Serving.Redirect> to = serving.redirect(stored, hint);
                    if (to.isPresent()) {
                        FullHttpResponse r = HttpResponses.empty(HttpResponseStatus.TEMPORARY_REDIRECT);
                        r.headers().set(HttpHeaderNames.LOCATION, to.get().url().toString());
                        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "private, max-age=" + Math.max(0, serving.redirectTtl().toSeconds() - 30));
                        validators(r.headers(), stored);
                        policy.cors(origin, r.headers()::add);
                        metrics.served(to.get().node(), CaravanMetrics.Transport.REDIRECT, 0);
                        return r;
                    }
                }
                return body(method, stored, outcome.ranges(), hint, origin);
            }
        }
    }

    private HttpResponse body(String method, ServedFile stored, List<ByteRange> ranges, String hint, String origin)
            throws IOException {
        FileRecord file = stored.file();
        boolean head = "HEAD".equals(method);
        HttpResponseStatus status = ranges == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT;
        String contentType = file.contentType();
        long length;
        String contentRange = null;
        HttpResponse response = null;
        if (ranges != null && ranges.size() > 1) {
            String boundary = Long.toHexString(BOUNDARY.nextLong() & Long.MAX_VALUE) + Long.toHexString(System.nanoTime());
            Source source = head ? null : serving.source(stored, hint, false);
            MultipartRangesInput parts = new MultipartRangesInput(ranges, file.size(), file.contentType(), boundary,
                    r -> MediaBodies.chunks(source, file, r.first(), r.length()));
            contentType = "multipart/byteranges; boundary=" + boundary;
            length = parts.length();
            if (source != null) {
                metrics.served(source.node().name(), CaravanMetrics.Transport.STREAM, length);
            }
            response = head ? HttpResponses.empty(status) : new MediaResponse(status, parts);
        } else {
            ByteRange range = ranges == null ? new ByteRange(0, file.size() - 1) : ranges.get(0);
            length = file.size() == 0 ? 0 : range.length();
            if (ranges != null) {
                contentRange = range.contentRange(file.size());
            }
            if (!head && length > 0) {
                Source source = serving.source(stored, hint, true);
                CaravanMetrics.Transport transport;
                if (source instanceof Source.LocalFile local) {
                    // a local disk: sent zero-copy (ZeroCopyEncoder)
                    response = MediaBodies.fileRegion(status, local.path(), file, range.first(), range.length());
                    transport = CaravanMetrics.Transport.SENDFILE;
                } else if (source instanceof Source.Relay relay) {
                    // a remote node with a plain-HTTP URL: relayed buffer by buffer (ZeroCopyEncoder, HttpRelay)
                    response = new RelayedResponse(status, relay.url(), range.first(), range.length());
                    transport = CaravanMetrics.Transport.RELAY;
                } else {
                    response = new MediaResponse(status, MediaBodies.chunks(source, file, range.first(), range.length()));
                    transport = CaravanMetrics.Transport.STREAM;
                }
                metrics.served(source.node().name(), transport, length);
            } else {
                response = HttpResponses.empty(status);
            }
        }
        HttpHeaders h = response.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        h.set(HttpHeaderNames.CONTENT_DISPOSITION, stored.disposition());
        policy.cors(origin, h::add);
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        h.set(HttpHeaderNames.ACCEPT_RANGES, "bytes");
        validators(h, stored);
        if (contentRange != null) {
            h.set(HttpHeaderNames.CONTENT_RANGE, contentRange);
        }
        return response;
    }

    /** {@code POST /files/{id}/url?ttl=<seconds>}: a signed URL for the file (default ttl 1 h, at most 1 year). */
    public FullHttpResponse signedUrl(@Header(CaravanHeaders.ID) String id, @Header(CaravanHeaders.TTL_PARAM) String ttl) {
        String fileId = Requests.fileId(id);
        long seconds;
        try {
            seconds = Long.parseLong(ttl == null ? "3600" : ttl.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("ttl must be a number of seconds");
        }
        Serving.SignedUrl url = serving.signedUrl(fileId, seconds);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url.url());
        body.put("expires", url.expires());
        if (hls.ready(fileId)) {
            body.put("hls", hls.signedMaster(fileId, seconds, Instant.now()));
        }
        return HttpResponses.json(200, body);
    }

    /** {@code GET /files/{id}/manifest}: size, SHA-256, every segment's SHA-256 and one URL per readable copy. */
    public FullHttpResponse manifest(@Header(CaravanHeaders.ID) String id) throws IOException {
        return HttpResponses.json(200, Views.manifest(manifests.manifest(Requests.fileId(id))));
    }

    private static void validators(HttpHeaders h, ServedFile file) {
        h.set(HttpHeaderNames.ETAG, file.file().etag());
        h.set(HttpHeaderNames.LAST_MODIFIED, file.lastModified());
        h.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=31536000, immutable");
    }

    /** The {@code ?replica=<node>} of the request, or null. */
    private static String hint(String replica) {
        return replica == null || replica.isBlank() ? null : replica.trim();
    }
}
