package io.caravan.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Caravan's read side on 127.0.0.1 (JDK HttpServer): {@code /files/{id}/info},
 * {@code /files/{id}/manifest} and {@code /files/{id}} with ranges, plus sources {@code /sources/<node>}
 * that fail in the ways real nodes do.
 */
final class FakeCaravan implements AutoCloseable {

    static final String ID = "1-fake0000001.bin";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    /** How a source misbehaves. */
    enum Fault {
        /** Serves every range correctly. */
        NONE,
        /** Sends half of every answer, then drops the connection. */
        DIES,
        /** Flips a byte in every answer. */
        CORRUPTS,
        /** Sends half of every answer, then nothing more. */
        STALLS
    }

    final byte[] content;
    final String sha256;
    private final int segmentSize;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Fault> sources = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    /** The {@code Range} and {@code If-Range} headers of every {@code GET /files/{id}}, as "range|if-range". */
    final List<String> fileRequests = new CopyOnWriteArrayList<>();
    volatile boolean manifest = true;
    volatile boolean honourRange = true;
    /** Served by {@code /files/{id}} instead of {@link #content} (the info still has content's SHA-256). */
    volatile byte[] served;

    FakeCaravan(byte[] content, int segmentSize) throws IOException {
        this.content = content;
        this.served = content;
        this.sha256 = hex(content);
        this.segmentSize = segmentSize;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FakeCaravan source(String node, Fault fault) {
        sources.put(node, fault);
        return this;
    }

    /** How many requests the source got. */
    int requests(String node) {
        return requests.getOrDefault(node, new AtomicInteger()).get();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.equals("/files/" + ID + "/info")) {
                json(ex, info());
            } else if (path.equals("/files/" + ID + "/manifest") && manifest) {
                json(ex, manifest());
            } else if (path.equals("/files/" + ID)) {
                fileRequests.add(ex.getRequestHeaders().getFirst("Range") + "|" + ex.getRequestHeaders().getFirst("If-Range"));
                serve(ex, served, Fault.NONE, honourRange);
            } else if (path.startsWith("/sources/") && sources.containsKey(path.substring(9))) {
                String node = path.substring(9);
                requests.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
                serve(ex, content, sources.get(node), true);
            } else {
                byte[] body = "{\"error\":\"no such file\",\"status\":404}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(404, body.length);
                ex.getResponseBody().write(body);
            }
        }
    }

    private void serve(HttpExchange ex, byte[] bytes, Fault fault, boolean ranges) throws IOException {
        Matcher m = RANGE.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Range")));
        int from = 0;
        int to = bytes.length - 1;
        boolean partial = ranges && m.matches();
        if (partial) {
            from = Integer.parseInt(m.group(1));
            to = m.group(2).isEmpty() ? to : Math.min(to, Integer.parseInt(m.group(2)));
            ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
        }
        ex.getResponseHeaders().set("ETag", "\"" + sha256 + "\"");
        byte[] body = Arrays.copyOfRange(bytes, from, to + 1);
        ex.sendResponseHeaders(partial ? 206 : 200, body.length);
        OutputStream out = ex.getResponseBody();
        switch (fault) {
            case NONE -> out.write(body);
            case CORRUPTS -> {
                body[body.length / 2] ^= 0x5a;
                out.write(body);
            }
            case DIES -> {
                out.write(body, 0, body.length / 2);
                out.flush();
                throw new IOException("source died"); // the server closes the connection mid-body
            }
            case STALLS -> {
                out.write(body, 0, body.length / 2);
                out.flush();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private ObjectNode info() {
        ObjectNode info = CaravanClient.JSON.createObjectNode();
        return info.put("id", ID).put("name", "fake.bin").put("size", content.length).put("sha256", sha256)
                .put("contentType", "application/octet-stream");
    }

    private ObjectNode manifest() {
        ObjectNode m = info().put("segmentSize", segmentSize);
        ArrayNode segments = m.putArray("segments");
        for (int i = 0, offset = 0; offset < content.length; i++, offset += segmentSize) {
            int length = Math.min(segmentSize, content.length - offset);
            segments.addObject().put("index", i).put("offset", offset).put("length", length)
                    .put("sha256", hex(Arrays.copyOfRange(content, offset, offset + length)));
        }
        ArrayNode list = m.putArray("sources");
        sources.keySet().stream().sorted()
                .forEach(node -> list.addObject().put("node", node).put("url", "/sources/" + node));
        return m;
    }

    private static void json(HttpExchange ex, ObjectNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(Sha256.digest().digest(bytes));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
