package io.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Caravan's HTTP API over the JDK's {@link HttpClient}: builds requests (with the API key for the
 * server's own origin), turns error answers into {@link CliException}s and parses JSON.
 */
final class CaravanClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a JSON request, or the headers of a streamed answer, may take. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d{1,18})-\\d{1,18}/(?:\\d{1,18}|\\*)");

    private final URI base;
    private final String apiKey;
    private final Duration readTimeout;
    private final HttpClient http;

    /**
     * @param base        the server's base URL, without a trailing slash
     * @param apiKey      sent as {@code Authorization: Bearer} to the server's origin, or null
     * @param readTimeout how long one read of a response body may wait for data
     */
    CaravanClient(URI base, String apiKey, Duration readTimeout) {
        this.base = base;
        this.apiKey = apiKey;
        this.readTimeout = readTimeout;
        // no redirects: they could carry the API key to another origin
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A path on the server ({@code /files/...}), or any URL, absolute or relative to the server. */
    URI uri(String pathOrUrl) {
        return URI.create(base + "/").resolve(pathOrUrl.startsWith("/") ? pathOrUrl.substring(1) : pathOrUrl);
    }

    /** {@code ?k1=v1&k2=v2} from name/value pairs, URL-encoded, leaving out null values; empty if all are null. */
    static String query(Object... namesAndValues) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                q.add(namesAndValues[i] + "=" + URLEncoder.encode(namesAndValues[i + 1].toString(), StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }

    /** The path of a file ({@code /files/<id>}), the id percent-encoded. */
    static String filePath(String id) {
        return "/files/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request builder for the URL, carrying the API key when the URL is on the server's origin. */
    HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("User-Agent", "caravan-cli");
        if (apiKey != null && sameOrigin(uri)) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    /** Sends a small request, within the request timeout, and reads its answer as text. */
    HttpResponse<String> exchange(HttpRequest.Builder request) {
        return send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a small request and parses its JSON answer (null when it has no body); any other status fails. */
    JsonNode json(HttpRequest.Builder request, int expectedStatus) {
        HttpResponse<String> r = exchange(request);
        if (r.statusCode() != expectedStatus) {
            throw failure(r.statusCode(), r.body());
        }
        return parse(r.body());
    }

    /** {@code GET} of a JSON resource on the server. */
    JsonNode getJson(String path) {
        return json(request(uri(path)).GET(), 200);
    }

    /**
     * Sends a request whose answer is streamed: its headers must come within the request timeout, and
     * each read of its body fails after the read timeout without data.
     */
    HttpResponse<InputStream> stream(HttpRequest.Builder request) {
        return send(request.timeout(REQUEST_TIMEOUT).build(), info -> HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofInputStream(), in -> new ResponseBody(in, readTimeout)));
    }

    /** Sends a request; failing to reach the server is {@link CliException#UNAVAILABLE}. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (HttpConnectTimeoutException e) {
            throw CliException.unavailable("cannot connect to " + origin(request.uri()) + " within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw CliException.unavailable("no answer from " + origin(request.uri()) + " within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw CliException.unavailable("cannot connect to " + origin(request.uri()));
        } catch (IOException e) {
            throw CliException.unavailable("request to " + origin(request.uri()) + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.ERROR, "interrupted");
        }
    }

    /** The failure for a streamed answer that has the wrong status; reads (a bounded part of) its error body. */
    static CliException failure(HttpResponse<InputStream> response) {
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "";
        }
        return failure(response.statusCode(), body);
    }

    /** The failure for an error status, with the server's {@code {"error": ...}} message when it sent one. */
    static CliException failure(int status, String body) {
        String message = null;
        try {
            JsonNode error = body == null || body.isBlank() ? null : JSON.readTree(body).path("error");
            message = error != null && error.isTextual() ? error.asText() : null;
        } catch (JsonProcessingException notJson) {
            // a proxy's HTML page, say: the status says enough
        }
        return CliException.forStatus(status, Objects.requireNonNullElse(message, "server answered HTTP " + status));
    }

    /** The first byte position of a 206 answer's {@code Content-Range: bytes first-last/length}, or -1. */
    static long rangeStart(HttpResponse<?> response) {
        Matcher m = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** The JSON of an answer's body; null when it is empty. */
    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw CliException.unavailable("the server's answer is not JSON: " + e.getOriginalMessage());
        }
    }

    private boolean sameOrigin(URI uri) {
        return origin(uri).equalsIgnoreCase(origin(base));
    }

    private static String origin(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getScheme() + "://" + uri.getHost() + ":" + port;
    }
}
