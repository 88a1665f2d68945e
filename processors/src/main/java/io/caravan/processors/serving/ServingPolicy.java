package io.caravan.processors.serving;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

import io.caravan.processors.support.CaravanHeaders;


/**
 * How user uploads are served safely: {@code Content-Disposition} by media type, and CORS for browser
 * players on other origins.
 *
 * <p>Audio, video, images (not SVG), plain text, PDF, JSON and HLS playlists are shown {@code inline};
 * everything else, active content (HTML, SVG, XML, JavaScript) and unknown types, is an
 * {@code attachment}, so an upload can never run script in Caravan's origin.
 */
public class ServingPolicy {

    private static final Set<String> INLINE_TYPES = Set.of("text/plain", "application/pdf", "application/json",
            "application/vnd.apple.mpegurl", "application/x-mpegurl");
    private static final String EXPOSED = "Content-Range, Content-Length, Accept-Ranges, ETag";

    private final List<String> origins;

    /** @param origins comma-separated allowed origins ({@code *} for any; empty for no CORS) */
    public ServingPolicy(String origins) {
        this.origins = Arrays.stream(origins == null ? new String[0] : origins.split(","))
                .map(String::trim).filter(o -> !o.isEmpty()).toList();
    }

    /** {@code inline} or {@code attachment}, with the original name (RFC 6266, UTF-8 via {@code filename*}). */
    public static String disposition(String contentType, String name) {
        String base = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean inline = (base.startsWith("audio/") || base.startsWith("video/")
                || (base.startsWith("image/") && !base.equals("image/svg+xml")) || INLINE_TYPES.contains(base));
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\\", "_").replace("\"", "_");
        String utf8 = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return (inline ? "inline" : "attachment") + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
    }

    /** Adds ({@code header.accept(name, value)}) the CORS response headers for a request from {@code origin} (may be {@code null}). */
    public void cors(String origin, BiConsumer<String, String> header) {
        String allowed = allowedOrigin(origin);
        if (allowed != null) {
            header.accept(CaravanHeaders.ALLOW_ORIGIN, allowed);
            header.accept(CaravanHeaders.EXPOSE_HEADERS, EXPOSED);
            if (!allowed.equals("*")) {
                header.accept(CaravanHeaders.VARY, CaravanHeaders.ORIGIN);
            }
        }
    }

    /** Adds the answer to a CORS preflight for the media endpoints. */
    public void preflight(String origin, BiConsumer<String, String> header) {
        cors(origin, header);
        if (allowedOrigin(origin) != null) {
            header.accept(CaravanHeaders.ALLOW_METHODS, "GET, HEAD");
            header.accept(CaravanHeaders.ALLOW_HEADERS, String.join(", ", CaravanHeaders.RANGE, CaravanHeaders.IF_RANGE,
                    CaravanHeaders.IF_NONE_MATCH, CaravanHeaders.IF_MODIFIED_SINCE));
            header.accept(CaravanHeaders.MAX_AGE, "86400");
        }
    }

    private String allowedOrigin(String origin) {
        if (origins.contains("*")) {
            return "*";
        }
        return origin != null && origins.contains(origin) ? origin : null;
    }
}
