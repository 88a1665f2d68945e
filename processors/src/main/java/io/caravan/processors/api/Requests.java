package io.caravan.processors.api;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.caravan.connectors.catalogue.FileMeta;
import io.caravan.processors.files.FileIds;
import io.caravan.processors.netty.RequestBodyStream;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import org.apache.camel.CamelContext;

/** Reading request values: file ids from the path, percent-encoded query parameters and header values, metadata headers. */
final class Requests {

    private Requests() {
    }

    /**
     * The id of {@code /files/{id}} (raw, still percent-encoded: the binding keeps it so), checked against the id
     * format, so {@code %2e%2e} or {@code %00} can never become a path.
     */
    static String fileId(String raw) {
        if (!FileIds.isValid(raw)) {
            throw new InvalidInputException("malformed file id");
        }
        return raw;
    }

    /** The body: streamed by the upload decoder, or aggregated by netty-http (then empty: it had no length). */
    static InputStream bodyStream(Object body, CamelContext context) {
        return body instanceof RequestBodyStream stream ? stream
                : new ByteArrayInputStream(Objects.requireNonNullElse(context.getTypeConverter().convertTo(byte[].class, body), new byte[0]));
    }

    /** A {@code true}/{@code false} query parameter; absent is false, anything else is refused. */
    static boolean flag(String raw, String name) {
        if (raw == null || raw.isBlank() || raw.trim().equalsIgnoreCase("false")) {
            return false;
        }
        if (raw.trim().equalsIgnoreCase("true")) {
            return true;
        }
        throw new InvalidInputException(name + " must be true or false");
    }

    /** A query parameter, percent-decoded ({@code +} is a space): netty-http hands them over still encoded. Null stays null. */
    static String queryParam(String raw, String name) {
        if (raw == null) {
            return null;
        }
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("badly encoded query parameter " + name);
        }
    }

    /** A header value percent-decoded as UTF-8 ({@code +} stays a plus: this is not a query). Null stays null. */
    static String headerValue(String value, String what) {
        if (value == null) {
            return null;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("badly encoded " + what);
        }
    }

    /** The file name a request gives: {@code ?name=} (a query parameter), else {@code X-File-Name}; null when neither. */
    static String fileName(Map<String, Object> headers) {
        String name = queryParam(text(headers, CaravanHeaders.NAME_PARAM), CaravanHeaders.NAME_PARAM);
        return name != null ? name : headerValue(text(headers, CaravanHeaders.FILE_NAME), "file name");
    }

    /** The {@code X-Meta-<key>: <value>} headers (values percent-decoded as UTF-8), checked by {@link FileMeta}. */
    static Map<String, String> metaHeaders(Map<String, Object> headers) {
        Map<String, String> raw = new TreeMap<>();
        String prefix = CaravanHeaders.META_PREFIX;
        headers.forEach((name, value) -> {
            if (name.regionMatches(true, 0, prefix, 0, prefix.length()) && value != null) {
                raw.put(name.substring(prefix.length()), headerValue(value.toString(), "metadata value"));
            }
        });
        try {
            return FileMeta.checked(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    /** A header's value as text, or null. */
    static String text(Map<String, Object> headers, String name) {
        Object v = headers.get(name);
        return v == null ? null : v.toString();
    }
}
