package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static io.caravan.app.TestClient.replicaFile;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole pipeline in one Camel context (camel-test-main-junit5): real embedded Kafka broker,
 * real H2 file database, four real disk nodes, the YAML routes from {@code routes/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + CaravanPipelineIT.DATA,
            "caravan.http.port=" + CaravanPipelineIT.PORT,
            "caravan.kafka.embedded.port=" + CaravanPipelineIT.KAFKA_PORT
        })
class CaravanPipelineIT {

    static final String DATA = "target/it/pipeline";
    static final int PORT = 18080;
    static final int KAFKA_PORT = 19092;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    @BeanInject
    CamelContext context;

    private Map<String, Object> uploadOk(byte[] data, String name, String type) throws Exception {
        HttpResponse<byte[]> r = client.upload(data, name, type);
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return json(r);
    }

    @Test
    void should_be_healthy_with_every_route_started() throws Exception {
        HttpResponse<byte[]> r = client.get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("UP", json(r).get("status"));
        for (String id : List.of("upload", "stream", "delete", "outbox-relay", "heartbeat", "replicate-g1-a", "replicate-g2-b")) {
            assertEquals(ServiceStatus.Started, context.getRouteController().getRouteStatus(id), id);
        }
    }

    @Test
    void should_store_and_stream_back_identical_bytes() throws Exception {
        byte[] mp3 = TestClient.resource("tone.mp3");
        HttpResponse<byte[]> r = client.upload(mp3, "测试音 Tone.mp3", "audio/mpeg");
        assertEquals(201, r.statusCode());
        Map<String, Object> file = json(r);
        String id = (String) file.get("id");
        assertEquals("/files/" + id, r.headers().firstValue("Location").orElseThrow());
        assertTrue(id.endsWith(".mp3"), id);
        assertEquals("测试音 Tone.mp3", file.get("name"));
        assertEquals(mp3.length, ((Number) file.get("size")).intValue());
        assertEquals(sha256(mp3), file.get("sha256"));
        assertEquals("audio/mpeg", file.get("contentType"));
        assertNotNull(file.get("group"));
        assertNotNull(file.get("created"));

        HttpResponse<byte[]> get = client.get("/files/" + id);
        assertEquals(200, get.statusCode());
        assertArrayEquals(mp3, get.body());
        assertEquals(String.valueOf(mp3.length), get.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("bytes", get.headers().firstValue("Accept-Ranges").orElseThrow());
        assertEquals("\"" + sha256(mp3) + "\"", get.headers().firstValue("ETag").orElseThrow());
        assertEquals("audio/mpeg", get.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void should_send_the_whole_body_then_close_when_the_client_asks_connection_close() throws Exception {
        byte[] mp4 = TestClient.resource("clip.mp4");
        String id = (String) uploadOk(mp4, "clip.mp4", "video/mp4").get("id");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /files/" + id + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes(); // returns only once the server closed
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int bodyAt = text.indexOf("\r\n\r\n") + 4;
            assertTrue(text.toLowerCase().contains("connection: close"), text.substring(0, bodyAt));
            assertArrayEquals(mp4, Arrays.copyOfRange(all, bodyAt, all.length), "the whole body, then the close");
        }
    }

    @Test
    void should_take_the_name_from_the_x_file_name_header() throws Exception {
        byte[] flac = "flac-ish bytes".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = client.send("POST", "/files", HttpRequest.BodyPublishers.ofByteArray(flac),
                "Authorization", "Bearer " + KEY, "X-File-Name", "%E6%B5%8B%E8%AF%95+1.flac");
        assertEquals(201, r.statusCode());
        Map<String, Object> file = json(r);
        assertEquals("测试+1.flac", file.get("name"), "percent-decoded; a + in a header stays a +");
        assertTrue(((String) file.get("id")).endsWith(".flac"));
        assertEquals("audio/flac", file.get("contentType"), "no Content-Type given: taken from the extension");
        assertArrayEquals(flac, client.get("/files/" + file.get("id")).body());
    }

    @Test
    void should_serve_byte_ranges_and_head() throws Exception {
        byte[] mp4 = TestClient.resource("clip.mp4");
        String id = (String) uploadOk(mp4, "clip.mp4", "video/mp4").get("id");

        HttpResponse<byte[]> part = client.get("/files/" + id, "Range", "bytes=1000-1999");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(mp4, 1000, 2000), part.body());
        assertEquals("bytes 1000-1999/" + mp4.length, part.headers().firstValue("Content-Range").orElseThrow());
        assertEquals("1000", part.headers().firstValue("Content-Length").orElseThrow());

        HttpResponse<byte[]> tail = client.get("/files/" + id, "Range", "bytes=-500");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(mp4, mp4.length - 500, mp4.length), tail.body());

        HttpResponse<byte[]> open = client.get("/files/" + id, "Range", "bytes=" + (mp4.length - 10) + "-");
        assertArrayEquals(Arrays.copyOfRange(mp4, mp4.length - 10, mp4.length), open.body());

        HttpResponse<byte[]> bad = client.get("/files/" + id, "Range", "bytes=5-3");
        assertEquals(416, bad.statusCode());
        assertEquals("bytes */" + mp4.length, bad.headers().firstValue("Content-Range").orElseThrow());

        HttpResponse<byte[]> beyond = client.get("/files/" + id, "Range", "bytes=" + mp4.length + "-");
        assertEquals(416, beyond.statusCode());

        HttpResponse<byte[]> head = client.send("HEAD", "/files/" + id, HttpRequest.BodyPublishers.noBody());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        assertEquals(String.valueOf(mp4.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("\"" + sha256(mp4) + "\"", head.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void should_replicate_to_the_peer_node_within_5_seconds() throws Exception {
        byte[] webm = TestClient.resource("clip.webm");
        Map<String, Object> file = uploadOk(webm, "clip.webm", "video/webm");
        String id = (String) file.get("id");
        String group = (String) file.get("group");
        List<String> nodes = List.of(group + "-a", group + "-b");

        assertTrue(eventually(Duration.ofSeconds(5), () -> nodes.stream().allMatch(n -> has(n, id))),
                "file on both nodes of " + group + " within 5 s");
        for (String n : nodes) {
            assertEquals(sha256(webm), sha256(replicaFile(DATA_DIR, n, id).orElseThrow()), "replica bytes on " + n);
        }
        String other = group.equals("g1") ? "g2" : "g1";
        assertFalse(has(other + "-a", id) || has(other + "-b", id), "never placed in the other group");

        assertTrue(eventually(Duration.ofSeconds(5), () -> client.verifiedReplicas(id) == 2));
    }

    @Test
    void should_publish_a_cloudevent_readable_by_a_plain_kafka_consumer() throws Exception {
        byte[] flacLike = "not really flac, just bytes".getBytes(StandardCharsets.UTF_8);
        String id = (String) uploadOk(flacLike, "x.flac", "audio/flac").get("id");

        JsonNode event = findEvent(id, "caravan.file.stored");
        assertEquals("1.0", event.path("specversion").asText());
        assertEquals(id, event.path("subject").asText());
        assertFalse(event.path("id").asText().isEmpty());
        assertEquals(sha256(flacLike), event.path("data").path("sha256").asText());
        assertEquals(flacLike.length, event.path("data").path("size").asInt());
    }

    @Test
    void should_delete_from_every_replica() throws Exception {
        byte[] data = "delete me".repeat(1000).getBytes(StandardCharsets.UTF_8);
        Map<String, Object> file = uploadOk(data, "d.txt", "text/plain");
        String id = (String) file.get("id");
        String group = (String) file.get("group");
        assertTrue(eventually(Duration.ofSeconds(5), () -> has(group + "-a", id) && has(group + "-b", id)));

        HttpResponse<byte[]> noKey = client.send("DELETE", "/files/" + id, HttpRequest.BodyPublishers.noBody());
        assertEquals(401, noKey.statusCode());
        HttpResponse<byte[]> del = client.send("DELETE", "/files/" + id, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(204, del.statusCode());
        assertEquals(404, client.get("/files/" + id).statusCode());
        assertTrue(eventually(Duration.ofSeconds(5), () -> !has(group + "-a", id) && !has(group + "-b", id)),
                "gone from both replicas");
        assertEquals("caravan.file.deleted", findEvent(id, "caravan.file.deleted").path("type").asText());
        HttpResponse<byte[]> again = client.send("DELETE", "/files/" + id, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(404, again.statusCode());
    }

    @Test
    void should_accept_multipart_uploads_from_browsers() throws Exception {
        byte[] webm = TestClient.resource("clip.webm");
        String boundary = "----caravan" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nignored\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.webm\"\r\n"
                + "Content-Type: video/webm\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(webm);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> r = client.send("POST", "/files", HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                "Authorization", "Bearer " + KEY, "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        Map<String, Object> file = json(r);
        assertEquals("clip.webm", file.get("name"));
        assertEquals("video/webm", file.get("contentType"));
        assertEquals(sha256(webm), file.get("sha256"));
        assertArrayEquals(webm, client.get("/files/" + file.get("id")).body());
    }

    @Test
    void should_answer_bad_input_with_json_4xx_and_store_nothing() throws Exception {
        byte[] mp3 = TestClient.resource("tone.mp3");
        // let earlier uploads finish replicating so the node directories are stable
        Thread.sleep(1000);
        List<Path> before = TestClient.nodeFiles(DATA_DIR);

        assertError(401, client.send("POST", "/files?name=a.mp3", HttpRequest.BodyPublishers.ofByteArray(mp3)));
        assertError(401, client.send("POST", "/files?name=a.mp3", HttpRequest.BodyPublishers.ofByteArray(mp3),
                "Authorization", "Bearer wrong-key"));
        assertError(400, client.send("POST", "/files?name=a.mp3", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY));
        assertError(400, client.send("POST", "/files?name=a.mp3&group=nope", HttpRequest.BodyPublishers.ofByteArray(mp3),
                "Authorization", "Bearer " + KEY));
        assertError(404, client.get("/files/1-abcdefghjkmn.mp3"));
        assertError(400, client.get("/files/%2e%2e"));
        assertError(400, client.get("/files/%00"));
        assertError(400, client.get("/files/" + "a".repeat(2000)));
        assertError(404, client.get("/nothing/here"));
        assertError(401, client.get("/files?q=a"));
        // a JSON body sent with curl's default form content type must not break the request
        assertError(400, client.send("POST", "/admin/nodes", HttpRequest.BodyPublishers.ofString("{\"kind\":\"disk\"}"),
                "Authorization", "Bearer " + KEY, "Content-Type", "application/x-www-form-urlencoded"));
        assertError(400, client.send("DELETE", "/files/..%2f..%2fetc", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY));

        Thread.sleep(500);
        assertEquals(before, TestClient.nodeFiles(DATA_DIR), "bad requests must not store anything");
    }

    @Test
    void should_render_the_cluster_status_page_in_a_real_browser() throws Exception {
        HttpResponse<byte[]> page = client.get("/ui/cluster");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")), "chromium not installed");
        Path profile = Files.createTempDirectory("chromium");
        Process p = new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", client.base + "/ui/cluster")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        // the page fetched /cluster and rendered every group and node with its state
        for (String text : List.of("Group g1", "Group g2", ">g1-a<", ">g1-b<", ">g2-a<", ">g2-b<", ">ACTIVE<", "unpublished events")) {
            assertTrue(dom.contains(text), "rendered page lacks " + text + ":\n" + dom);
        }
        TestClient.deleteTree(profile);
    }

    private static void assertError(int status, HttpResponse<byte[]> r) throws IOException {
        assertEquals(status, r.statusCode(), r.uri() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.uri().toString());
        Map<String, Object> body = json(r);
        assertEquals(status, ((Number) body.get("status")).intValue());
        assertFalse(((String) body.get("error")).isBlank());
    }

    private static boolean has(String node, String id) {
        try {
            return replicaFile(DATA_DIR, node, id).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static String header(ConsumerRecord<String, String> rec, String name) {
        var h = rec.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Reads the topic from the beginning with a plain consumer until the event for {@code id} shows up. */
    private static JsonNode findEvent(String id, String type) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + KAFKA_PORT);
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
                    JsonNode ev = TestClient.JSON.readTree(rec.value());
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
}
