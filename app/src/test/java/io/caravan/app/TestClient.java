package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** A plain HTTP client for the integration tests, plus helpers to look at the node directories. */
final class TestClient {

    static final String KEY = "caravan-dev-key";
    static final ObjectMapper JSON = new ObjectMapper();

    final String base;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> send(String method, String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Uploads {@code data} as {@code name}; asserts nothing, returns the response. */
    HttpResponse<byte[]> upload(byte[] data, String name, String contentType) throws Exception {
        return send("POST", "/files?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofByteArray(data),
                "Authorization", "Bearer " + KEY, "Content-Type", contentType);
    }

    /** Uploads {@code data} to the given group with the API key, asserts 201, returns the new id. */
    String uploadToGroup(String group, byte[] data) throws Exception {
        HttpResponse<byte[]> r = send("POST", "/files?name=f.bin&group=" + group, HttpRequest.BodyPublishers.ofByteArray(data),
                "Authorization", "Bearer " + KEY);
        org.junit.jupiter.api.Assertions.assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return (String) json(r).get("id");
    }

    static Map<String, Object> json(HttpResponse<byte[]> r) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.readValue(r.body(), Map.class);
        return m;
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = TestClient.class.getResourceAsStream("/media/" + name)) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(digest().digest(b));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file {@code id} on disk node {@code node}, if that node's directory has it (the node's own path rule). */
    static Optional<Path> replicaFile(Path dataDir, String node, String id) throws IOException {
        Path p = new io.caravan.connectors.storage.DiskStorageNode(node, "any", dataDir.resolve("nodes").resolve(node)).pathOf(id);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Every regular file under the node directories. */
    static List<Path> nodeFiles(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("nodes");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    /** The state of {@code node} as {@code GET /cluster} shows it, or "?" when it is not listed. */
    String nodeState(String node) {
        try {
            for (com.fasterxml.jackson.databind.JsonNode g : JSON.readTree(get("/cluster").body()).path("groups")) {
                for (com.fasterxml.jackson.databind.JsonNode n : g.path("nodes")) {
                    if (node.equals(n.path("name").asText())) {
                        return n.path("state").asText();
                    }
                }
            }
        } catch (Exception e) {
            return "?";
        }
        return "?";
    }

    /** The sum of every node's replication lag (events not yet committed) as {@code GET /cluster} shows it; -1 when unknown. */
    long totalLag() {
        try {
            long lag = 0;
            for (com.fasterxml.jackson.databind.JsonNode g : JSON.readTree(get("/cluster").body()).path("groups")) {
                for (com.fasterxml.jackson.databind.JsonNode n : g.path("nodes")) {
                    if (!n.path("lag").isNumber()) {
                        return -1;
                    }
                    lag += n.path("lag").asLong();
                }
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    /** How many replicas of {@code id} {@code GET /files/{id}/info} shows VERIFIED; -1 when it cannot say. */
    long verifiedReplicas(String id) {
        try {
            long n = 0;
            for (com.fasterxml.jackson.databind.JsonNode r : JSON.readTree(get("/files/" + id + "/info").body()).path("replicas")) {
                n += "VERIFIED".equals(r.path("state").asText()) ? 1 : 0;
            }
            return n;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The copies of {@code id} on the embedded default's four disk nodes under {@code dataDir}. */
    static List<Path> copies(Path dataDir, String id) {
        try {
            List<Path> out = new java.util.ArrayList<>();
            for (String node : List.of("g1-a", "g1-b", "g2-a", "g2-b")) {
                replicaFile(dataDir, node, id).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; returns the last value. */
    static boolean eventually(Duration timeout, Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.get()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.get();
    }

    /** {@code dir}, emptied and created again: every test run starts from no data. */
    static Path freshDir(String dir) {
        try {
            Path p = Path.of(dir);
            deleteTree(p);
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String header(ConsumerRecord<String, String> rec, String name) {
        var h = rec.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic from the beginning with a plain consumer until the event for {@code id} shows up. */
    static JsonNode findEvent(int kafkaPort, String id, String type) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor("caravan.files").forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long end = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < end) {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode ev = JSON.readTree(rec.value());
                    if (id.equals(rec.key()) && type.equals(ev.path("type").asText())) {
                        // structured CloudEvents mode: the type and the content type as record headers too
                        assertEquals(type, header(rec, "ce_type"));
                        assertEquals("application/cloudevents+json", header(rec, "content-type"));
                        return ev;
                    }
                }
            }
        }
        throw new AssertionError("no " + type + " event for " + id + " within 10 s");
    }

    /** Every record of {@code topic} so far (read from the beginning until it has been quiet for a second). */
    static List<ConsumerRecord<String, String>> records(int kafkaPort, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            for (int quiet = 0; quiet < 5; ) {
                var polled = consumer.poll(Duration.ofMillis(200));
                quiet = polled.isEmpty() ? quiet + 1 : 0;
                polled.forEach(all::add);
            }
        }
        return all;
    }

    /** The value of record header {@code name}, or {@code null}. */
    static String recordHeader(ConsumerRecord<String, String> rec, String name) {
        return header(rec, name);
    }

    /**
     * Copies recipe {@code name} ({@code routes/recipes/<name>.camel.yaml}) into the extension folder
     * {@code folder} and waits until {@code GET /admin/extensions} reports it RUNNING.
     */
    void dropRecipe(Path folder, String name) throws Exception {
        Path tmp = folder.resolve(name + ".tmp");
        Files.copy(Path.of("routes/recipes", name + ".camel.yaml"), tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, folder.resolve(name + ".camel.yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        boolean running = eventually(Duration.ofSeconds(10), () -> {
            try {
                JsonNode ext = JSON.readTree(get("/admin/extensions", "Authorization", "Bearer " + KEY).body());
                for (JsonNode e : ext.path("extensions")) {
                    if (e.path("file").asText().equals(name + ".camel.yaml")) {
                        return "RUNNING".equals(e.path("state").asText()) && !e.hasNonNull("error");
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        if (!running) {
            throw new AssertionError("recipe " + name + " is not running: "
                    + new String(get("/admin/extensions", "Authorization", "Bearer " + KEY).body(), StandardCharsets.UTF_8));
        }
    }

    /** Waits until {@code GET /files/{id}/info} shows {@code hls.state} {@code state}; answers that {@code hls} object. */
    JsonNode awaitHls(String id, String state) throws Exception {
        boolean reached = eventually(Duration.ofSeconds(90), () -> {
            try {
                return state.equals(JSON.readTree(get("/files/" + id + "/info").body()).path("hls").path("state").asText());
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode hls = JSON.readTree(get("/files/" + id + "/info").body()).path("hls");
        if (!reached) {
            throw new AssertionError("the HLS of " + id + " is not " + state + ": " + hls);
        }
        return hls;
    }
}
