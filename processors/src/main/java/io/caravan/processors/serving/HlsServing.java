package io.caravan.processors.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.DerivedStore;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.HlsStore;
import io.caravan.processors.media.HlsFiles;
import io.caravan.processors.media.HlsPackager;
import io.caravan.processors.support.ForbiddenException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.UnavailableException;

/**
 * Which stored file answers {@code GET /files/{id}/hls/<name>}, and the playlists as served: with signed URLs on,
 * every URI a playlist names carries its own signature with the playlist's expiry, so a signed master URL is all
 * a player needs, and an unsigned variant or segment URL is refused. A READY packaging's files are cached for
 * {@code caravan.http.read-cache} and read again in the background while players still ask for them.
 */
public class HlsServing {

    /** A URI line of a playlist, or a {@code URI="…"} attribute. */
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]+)\"");
    private static final int RETRY_AFTER_SECONDS = 2;

    private final FileStore files;
    private final DerivedStore derived;
    private final HlsStore state;
    private final HlsPackager packager;
    private final UrlSigner signer;

    private final long cacheNanos;
    /** The HLS files of sources whose packaging is READY, by kind, for {@code cacheNanos}: a player asks for many segments. */
    private final Map<String, Ready> ready = new ConcurrentHashMap<>();
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

    private record Ready(Map<String, DerivedFile> byKind, long loadedNanos) {
    }

    /** @param cache how long a READY packaging's files are kept in memory ({@code caravan.http.read-cache}) */
    public HlsServing(FileStore files, DerivedStore derived, HlsStore state, HlsPackager packager, UrlSigner signer, Duration cache) {
        this.files = files;
        this.derived = derived;
        this.state = state;
        this.packager = packager;
        this.signer = signer;
        this.cacheNanos = cache.toNanos();
    }

    /** The path a signature of an HLS file covers. */
    static String signedName(String sourceId, String name) {
        return sourceId + "/hls/" + name;
    }

    /**
     * The stored file behind HLS file {@code name} of {@code sourceId}, after the signature is checked when signed
     * URLs are required: not found for a file that is not media (or whose packaging failed), unavailable (with a
     * {@code Retry-After}) while it is being packaged.
     */
    public DerivedFile locate(String sourceId, String name, String expires, String sig, Instant now) {
        String kind = HlsFiles.kindOf(name).orElseThrow(() -> new NotFoundException("no HLS file " + name));
        if (signer.required()) {
            signer.check(signedName(sourceId, name), expires, sig, now);
        }
        Ready cached = fresh(sourceId);
        Map<String, DerivedFile> byKind = cached != null ? cached.byKind() : load(sourceId);
        DerivedFile file = byKind.get(kind);
        if (file == null) {
            throw new NotFoundException("no HLS file " + name + " for " + sourceId);
        }
        return file;
    }

    /** The READY cache's entry of {@code sourceId} while fresh, renewed in the background in its second half. */
    private Ready fresh(String sourceId) {
        Ready cached = ready.get(sourceId);
        if (cached == null) {
            return null;
        }
        long age = System.nanoTime() - cached.loadedNanos();
        if (age >= cacheNanos) {
            return null;
        }
        if (age >= cacheNanos / 2) {
            RefreshAhead.submit(RefreshAhead.EXECUTOR, refreshing, sourceId, () -> {
                try {
                    load(sourceId);
                } catch (NotFoundException | UnavailableException e) {
                    ready.remove(sourceId);
                }
            });
        }
        return cached;
    }

    /** Reads {@code sourceId}'s packaging and caches its files when READY. */
    private Map<String, DerivedFile> load(String sourceId) {
        FileRecord source = files.findStored(sourceId).orElseThrow(() -> NotFoundException.file(sourceId));
        if (!packager.packages(source.contentType()) || derived.sourceOf(sourceId).isPresent()) {
            throw new NotFoundException(sourceId + " (" + source.contentType() + ") has no HLS: only audio and video are packaged");
        }
        HlsStore.HlsState s = state.get(sourceId).orElse(null);
        if (s == null || HlsStore.PACKAGING.equals(s.state())) {
            throw new UnavailableException("the HLS of " + sourceId + " is being packaged", RETRY_AFTER_SECONDS);
        }
        if (HlsStore.FAILED.equals(s.state())) {
            throw new NotFoundException("the HLS packaging of " + sourceId + " failed: " + s.error());
        }
        Map<String, DerivedFile> byKind = new HashMap<>();
        derived.of(sourceId).stream().filter(d -> HlsFiles.isHlsKind(d.kind())).forEach(d -> byKind.put(d.kind(), d));
        if (ready.size() > 10_000) {
            ready.clear(); // a bound, not an LRU: entries live for a moment anyway
        }
        ready.put(sourceId, new Ready(byKind, System.nanoTime()));
        return byKind;
    }

    /**
     * The stored file behind HLS file {@code name} of {@code sourceId} when the READY cache holds it (nothing read),
     * else empty: what lets a segment GET be answered on the network thread.
     */
    public Optional<DerivedFile> cached(String sourceId, String name) {
        Ready cached = fresh(sourceId);
        if (cached == null) {
            return Optional.empty();
        }
        return HlsFiles.kindOf(name).map(kind -> cached.byKind().get(kind));
    }

    /**
     * Playlist {@code text} as served: unchanged, or with signed URLs on every URI it names signed until
     * {@code expires} (the request's own expiry).
     */
    public String playlist(String sourceId, String text, String expires) {
        if (!signer.required()) {
            return text;
        }
        long until = Long.parseLong(expires.trim());
        StringBuilder out = new StringBuilder(text.length() + 256);
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                out.append('\n');
                continue;
            }
            if (line.startsWith("#")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                StringBuilder l = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(l, Matcher.quoteReplacement("URI=\"" + signed(sourceId, m.group(1), until) + "\""));
                }
                m.appendTail(l);
                out.append(l);
            } else {
                out.append(signed(sourceId, line.trim(), until));
            }
            out.append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    /** The signed master playlist URL (path and query) of {@code sourceId} for {@code ttlSeconds}, when it has HLS. */
    public String signedMaster(String sourceId, long ttlSeconds, Instant now) {
        long expires = now.getEpochSecond() + ttlSeconds;
        return "/files/" + sourceId + "/hls/" + HlsFiles.MASTER + "?expires=" + expires + "&sig=" + signer.sign(signedName(sourceId, HlsFiles.MASTER), expires);
    }

    /** {@code true} when {@code sourceId}'s packaging is READY. */
    public boolean ready(String sourceId) {
        return state.get(sourceId).map(s -> HlsStore.READY.equals(s.state())).orElse(false);
    }

    private String signed(String sourceId, String uri, long expires) {
        if (uri.contains("://") || uri.startsWith("/") || uri.contains("?")) {
            throw new ForbiddenException("a playlist URI that is not a plain relative name: " + uri);
        }
        return uri + "?expires=" + expires + "&sig=" + signer.sign(signedName(sourceId, uri), expires);
    }

    /** Reads a playlist (a few KB) whole. */
    public static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
