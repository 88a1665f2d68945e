package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static io.caravan.app.TestClient.replicaFile;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.main.junit5.CamelMainTest;
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
            "caravan.kafka.embedded.port=" + CaravanPipelineIT.KAFKA_PORT,
            // HLS packaging writes derived files in the background, which the "nothing stored" checks would count;
            // HLS has its own ITs
            "caravan.hls.enabled=false"
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
        for (String id : List.of("upload", "stream", "delete", "outbox-relay", "heartbeat", "replicate-g1-a-0", "replicate-g2-b-0")) {
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

    private HttpResponse<byte[]> uploadWithMeta(byte[] data, String name, String... meta) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + TestClient.KEY, "Content-Type", "audio/mpeg"));
        for (int i = 0; i < meta.length; i += 2) {
            headers.add("X-Meta-" + meta[i]);
            headers.add(java.net.URLEncoder.encode(meta[i + 1], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return client.send("POST", "/files?name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8),
                HttpRequest.BodyPublishers.ofByteArray(data), headers.toArray(String[]::new));
    }

    /** The ids {@code GET /files} lists for the query string {@code query}, and the JSON. */
    private JsonNode search(String query) throws Exception {
        HttpResponse<byte[]> r = client.get("/files?" + query, "Authorization", "Bearer " + TestClient.KEY);
        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return TestClient.JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("files").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    private static String q(String text) {
        return "q=" + java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void should_keep_metadata_and_find_files_by_name_and_tags_in_any_script() throws Exception {
        String tag = "t" + System.nanoTime();
        HttpResponse<byte[]> r = uploadWithMeta("one".getBytes(StandardCharsets.UTF_8), "tone-" + tag + ".mp3",
                "title", "测试音 " + tag, "Artist", "Beyoncé");
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode first = TestClient.JSON.readTree(r.body());
        String id = first.path("id").asText();
        assertEquals("测试音 " + tag, first.path("meta").path("title").asText());
        assertEquals("Beyoncé", first.path("meta").path("artist").asText(), "keys are stored lower-case");
        String other = (String) uploadOk("two".getBytes(StandardCharsets.UTF_8), "Ünïcode Sóng " + tag + ".flac", "audio/flac").get("id");

        assertEquals(List.of(id), ids(search(q("测试音 " + tag))), "Chinese title");
        assertTrue(ids(search(q("BEYONCE") + "&type=audio/mpeg&limit=500")).contains(id), "accents and case ignored");
        assertEquals(List.of(other), ids(search(q("unicode song " + tag))), "name, accents ignored");
        assertEquals(List.of(other), ids(search(q(tag) + "&type=audio/flac")), "content type filter");
        assertEquals(List.of(), ids(search(q(tag) + "&group=nogroup")), "group filter");
        assertEquals("Beyoncé", TestClient.JSON.readTree(client.get("/files/" + id + "/info").body()).path("meta").path("artist").asText());
        assertEquals("Beyoncé", findEvent(id, "caravan.file.stored").path("data").path("meta").path("artist").asText());

        // PATCH: set one key, remove another; the search follows, an event tells consumers
        HttpResponse<byte[]> patch = client.send("PATCH", "/files/" + id + "/meta",
                HttpRequest.BodyPublishers.ofString("{\"album\": \"Ålbum " + tag + "\", \"artist\": null}"),
                "Authorization", "Bearer " + TestClient.KEY, "Content-Type", "application/json");
        assertEquals(200, patch.statusCode(), new String(patch.body(), StandardCharsets.UTF_8));
        JsonNode meta = TestClient.JSON.readTree(patch.body()).path("meta");
        assertEquals("Ålbum " + tag, meta.path("album").asText());
        assertTrue(meta.path("artist").isMissingNode(), meta.toString());
        assertEquals(List.of(id), ids(search(q("album " + tag))));
        assertFalse(ids(search(q("beyonce") + "&limit=500")).contains(id), "removed value no longer found");
        assertEquals("Ålbum " + tag, findEvent(id, "caravan.file.meta-changed").path("data").path("meta").path("album").asText());

        // bad input: 4xx with JSON, nothing changed or stored
        assertEquals(400, client.send("PATCH", "/files/" + id + "/meta", HttpRequest.BodyPublishers.ofString("{\"bad key\": \"x\"}"),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertEquals(400, client.send("PATCH", "/files/" + id + "/meta", HttpRequest.BodyPublishers.ofString("[1]"),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertEquals(401, client.send("PATCH", "/files/" + id + "/meta", HttpRequest.BodyPublishers.ofString("{}")).statusCode());
        assertEquals(404, client.send("PATCH", "/files/zz-000000000000.mp3/meta", HttpRequest.BodyPublishers.ofString("{}"),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        HttpResponse<byte[]> badUpload = uploadWithMeta("three".getBytes(StandardCharsets.UTF_8), "bad-" + tag + ".mp3", "k".repeat(65), "v");
        assertEquals(400, badUpload.statusCode());
        assertEquals(List.of(), ids(search(q("bad-" + tag))), "nothing stored");
    }

    @Test
    void should_read_media_tags_into_metadata_keeping_what_the_uploader_set() throws Exception {
        byte[] mp3 = TestClient.resource("tone.mp3");
        String id = (String) uploadOk(mp3, "tone.mp3", "audio/mpeg").get("id");
        HttpResponse<byte[]> r = uploadWithMeta(mp3, "mine.mp3", "title", "My own title");
        assertEquals(201, r.statusCode());
        String mine = TestClient.JSON.readTree(r.body()).path("id").asText();

        assertTrue(eventually(Duration.ofSeconds(15), () -> meta(id).has("codec") && meta(mine).has("album")), "tags read");
        JsonNode meta = meta(id);
        assertEquals("测试音 Tone", meta.path("title").asText());
        assertEquals("Caravan Test", meta.path("artist").asText());
        assertEquals("Samples", meta.path("album").asText());
        assertEquals(10.03, meta.path("duration").asDouble(), 0.1);
        assertFalse(meta.path("codec").asText().isBlank());
        assertEquals("My own title", meta(mine).path("title").asText(), "the uploader's value wins");

        // video: MP4 (moov at the end too) and WebM give duration and codecs
        String mp4 = (String) uploadOk(TestClient.resource("clip-moov-at-end.mp4"), "clip.mp4", "video/mp4").get("id");
        String webm = (String) uploadOk(TestClient.resource("clip.webm"), "clip.webm", "video/webm").get("id");
        assertTrue(eventually(Duration.ofSeconds(15), () -> meta(mp4).has("codec") && meta(webm).has("codec")), "video tags read");
        assertEquals(10.0, meta(mp4).path("duration").asDouble(), 0.05);
        assertEquals("avc1, mp4a", meta(mp4).path("codec").asText());
        assertEquals(10.0, meta(webm).path("duration").asDouble(), 0.05);
        assertEquals("V_VP9, A_OPUS", meta(webm).path("codec").asText());
        assertTrue(ids(search(q("测试音 tone") + "&limit=500")).contains(id), "tags are searchable");
    }

    private JsonNode meta(String id) {
        try {
            return TestClient.JSON.readTree(client.get("/files/" + id + "/info").body()).path("meta");
        } catch (Exception e) {
            return TestClient.JSON.createObjectNode();
        }
    }

    private Map<String, Object> uploadToG1(byte[] data, String name) throws Exception {
        HttpResponse<byte[]> r = client.send("POST", "/files?group=g1&name=" + name, HttpRequest.BodyPublishers.ofByteArray(data),
                "Authorization", "Bearer " + KEY, "Content-Type", "application/octet-stream");
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return json(r);
    }

    @Test
    void should_store_identical_bytes_once_and_keep_them_until_the_last_id_goes() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(42).nextBytes(data);
        String a = (String) uploadToG1(data, "a.bin").get("id");
        assertTrue(eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(a) == 2), "first upload replicated");
        Map<String, Object> second = uploadToG1(data, "b.bin");
        assertEquals(json(client.get("/files/" + a + "/info")).get("group"), second.get("group"), "dedup is per group");
        String b = (String) second.get("id");

        assertNotEquals(a, b);
        assertEquals(a, second.get("blob"), "the second id shares the first one's bytes");
        assertEquals(2, TestClient.copies(DATA_DIR, a).size(), "one copy per node of the group");
        assertEquals(0, TestClient.copies(DATA_DIR, b).size(), "nothing stored under the second id");
        assertEquals(2, client.verifiedReplicas(b), "the shared replicas serve the second id");

        // deleting the first id keeps the bytes for the second
        assertEquals(204, client.send("DELETE", "/files/" + a, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY).statusCode());
        assertEquals(404, client.get("/files/" + a).statusCode());
        Thread.sleep(1500); // the delete event reaches both replicators
        assertEquals(2, TestClient.copies(DATA_DIR, a).size(), "bytes still used by " + b);
        assertArrayEquals(data, client.get("/files/" + b).body());

        // deleting the last id removes the bytes everywhere
        assertEquals(204, client.send("DELETE", "/files/" + b, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY).statusCode());
        assertTrue(eventually(Duration.ofSeconds(10), () -> TestClient.copies(DATA_DIR, a).isEmpty()), "blob removed from every node");
    }

    @Test
    void should_answer_instant_uploads_from_stored_content_only() throws Exception {
        byte[] data = new byte[123_457];
        new java.util.Random(43).nextBytes(data);
        String sha = sha256(data);
        String instant = "/files?name=again.bin&sha256=" + sha + "&size=" + data.length;
        HttpResponse<byte[]> miss = client.send("POST", instant, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY);
        assertEquals(404, miss.statusCode(), "unknown content: the client must send the bytes");
        assertTrue(json(miss).containsKey("error"));

        String first = (String) uploadOk(data, "first.bin", "application/octet-stream").get("id");
        HttpResponse<byte[]> hit = client.send("POST", instant, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY);
        assertEquals(201, hit.statusCode(), new String(hit.body(), StandardCharsets.UTF_8));
        Map<String, Object> made = json(hit);
        assertNotEquals(first, made.get("id"));
        assertEquals("again.bin", made.get("name"));
        assertEquals(first, made.get("blob"));
        assertArrayEquals(data, client.get("/files/" + made.get("id")).body());

        // bad claims: 400, nothing stored
        assertEquals(400, client.send("POST", "/files?sha256=xyz&size=1", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY).statusCode());
        assertTrue(eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(first) == 2), "replicated");
        int before = TestClient.nodeFiles(DATA_DIR).size();
        byte[] other = "not the announced bytes".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> lie = client.send("POST", "/files?name=lie.bin&sha256=" + sha + "&size=" + data.length,
                HttpRequest.BodyPublishers.ofByteArray(other), "Authorization", "Bearer " + KEY);
        assertEquals(400, lie.statusCode());
        assertEquals(before, TestClient.nodeFiles(DATA_DIR).size(), "the body was not kept");
    }

    @Test
    void should_page_through_search_results_with_a_cursor() throws Exception {
        String tag = "page" + System.nanoTime();
        List<String> uploaded = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uploaded.add(0, (String) uploadOk(("p" + i).getBytes(StandardCharsets.UTF_8), tag + "-" + i + ".mp3", "audio/mpeg").get("id"));
        }
        List<String> seen = new ArrayList<>();
        String query = q(tag) + "&limit=2";
        JsonNode page = search(query);
        int pages = 1;
        seen.addAll(ids(page));
        while (page.hasNonNull("next")) {
            page = search(query + "&cursor=" + page.path("next").asText());
            seen.addAll(ids(page));
            pages++;
        }
        assertEquals(3, pages);
        assertEquals(uploaded, seen, "newest first, each file once");
        assertEquals(400, client.get("/files?cursor=%21%21", "Authorization", "Bearer " + TestClient.KEY).statusCode());
    }

    private static boolean has(String node, String id) {
        try {
            return replicaFile(DATA_DIR, node, id).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static JsonNode findEvent(String id, String type) throws Exception {
        return TestClient.findEvent(KAFKA_PORT, id, type);
    }
}
