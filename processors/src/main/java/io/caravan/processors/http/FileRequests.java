package io.caravan.processors.http;

import io.caravan.processors.id.FileIds;
import org.apache.camel.Exchange;

/** Reads the file id out of {@code /files/{id}} and {@code /files/{id}/...} request paths. */
public final class FileRequests {

    private FileRequests() {
    }

    /**
     * A query parameter, percent-decoded ({@code +} is a space): netty-http hands them over still encoded.
     *
     * @return the value, or {@code defaultValue} when absent
     */
    public static String queryParam(Exchange exchange, String name, String defaultValue) {
        String raw = exchange.getIn().getHeader(name, String.class);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest("badly encoded query parameter " + name);
        }
    }

    /**
     * The id in the request path, checked against the id format (400 when malformed). The raw,
     * still percent-encoded path is used, so {@code %2e%2e} or {@code %00} can never become a path.
     */
    public static String fileId(Exchange exchange) {
        String cached = exchange.getProperty(CaravanHeaders.FILE_ID, String.class);
        if (cached != null) {
            return cached;
        }
        String path = HttpResponses.rawPath(exchange);
        String[] parts = path.split("/", -1);
        // "", "files", id[, ...]
        String id = parts.length >= 3 ? parts[2] : "";
        if (!FileIds.isValid(id)) {
            throw CaravanException.badRequest("malformed file id");
        }
        exchange.setProperty(CaravanHeaders.FILE_ID, id);
        return id;
    }
}
