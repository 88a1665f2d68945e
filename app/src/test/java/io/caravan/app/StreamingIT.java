package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Serving to players: signed URLs, safe headers, CORS, HEAD = GET, and ffprobe seeking over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + StreamingIT.DATA,
            "caravan.http.port=" + StreamingIT.PORT,
            "caravan.kafka.embedded.port=19190",
            "caravan.http.signed-urls=true",
            "caravan.http.signing-secret=" + StreamingIT.SECRET,
            "caravan.http.cors-origins=https://player.example"
        })
class StreamingIT {

    static final String DATA = "target/it/streaming";
    static final int PORT = 19180;
    static final String SECRET = "streaming-it-secret-0123456789";
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private String upload(byte[] data, String name, String type) throws Exception {
        HttpResponse<byte[]> r = client.upload(data, name, type);
        assertEquals(201, r.statusCode(), new String(r.body()));
        return (String) json(r).get("id");
    }

    private String signedPath(String id, long ttl) throws Exception {
        HttpResponse<byte[]> r = client.send("POST", "/files/" + id + "/url?ttl=" + ttl, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + KEY);
        assertEquals(200, r.statusCode(), new String(r.body()));
        return (String) json(r).get("url");
    }

    private static String sig(String id, long expires) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal((id + expires).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void should_serve_only_signed_urls_when_they_are_required() throws Exception {
        byte[] mp3 = TestClient.resource("tone.mp3");
        String id = upload(mp3, "tone.mp3", "audio/mpeg");
        assertEquals(403, client.get("/files/" + id).statusCode(), "no signature");

        String path = signedPath(id, 60);
        HttpResponse<byte[]> ok = client.get(path);
        assertEquals(200, ok.statusCode());
        assertArrayEquals(mp3, ok.body());
        HttpResponse<byte[]> part = client.get(path, "Range", "bytes=10-19");
        assertEquals(206, part.statusCode());
        assertArrayEquals(Arrays.copyOfRange(mp3, 10, 20), part.body());

        long future = Instant.now().getEpochSecond() + 60;
        assertEquals(403, client.get("/files/" + id + "?expires=" + future + "&sig=" + sig(id, future).replace('A', 'B') + "x")
                .statusCode(), "forged");
        assertEquals(403, client.get("/files/" + id + "?expires=" + (future + 1) + "&sig=" + sig(id, future)).statusCode(),
                "expiry changed");
        long past = Instant.now().getEpochSecond() - 5;
        assertEquals(410, client.get("/files/" + id + "?expires=" + past + "&sig=" + sig(id, past)).statusCode(), "expired");
        assertEquals(403, client.get("/files/" + id + "?expires=0&sig=" + sig(id, 0)).statusCode(), "ts=0 is not forever");

        String shortLived = signedPath(id, 1);
        assertEquals(200, client.get(shortLived).statusCode());
        Thread.sleep(2100);
        assertEquals(410, client.get(shortLived).statusCode(), "replayed after expiry");
        assertEquals(401, client.send("POST", "/files/" + id + "/url", HttpRequest.BodyPublishers.noBody()).statusCode());
    }

    @Test
    void should_send_safe_disposition_and_cors_headers() throws Exception {
        String mp3 = upload(TestClient.resource("tone.mp3"), "测试音 Tone.mp3", "audio/mpeg");
        HttpResponse<byte[]> audio = client.get(signedPath(mp3, 60), "Origin", "https://player.example");
        assertEquals("inline; filename=\"___ Tone.mp3\"; filename*=UTF-8''%E6%B5%8B%E8%AF%95%E9%9F%B3%20Tone.mp3",
                audio.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals("nosniff", audio.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("https://player.example", audio.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(audio.headers().firstValue("Access-Control-Expose-Headers").orElseThrow().contains("Content-Range"));

        String html = upload("<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8), "x.html", "text/html");
        HttpResponse<byte[]> page = client.get(signedPath(html, 60), "Origin", "https://evil.example");
        assertTrue(page.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment;"));
        assertTrue(page.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), "origin not allowed");

        HttpResponse<byte[]> pre = client.send("OPTIONS", "/files/" + mp3, HttpRequest.BodyPublishers.noBody(),
                "Origin", "https://player.example", "Access-Control-Request-Method", "GET",
                "Access-Control-Request-Headers", "range");
        assertEquals(204, pre.statusCode());
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Range"));
    }

    @Test
    void should_answer_head_with_exactly_the_headers_of_get() throws Exception {
        String id = upload(TestClient.resource("clip.mp4"), "clip.mp4", "video/mp4");
        String path = signedPath(id, 60);
        for (String[] headers : List.of(new String[0], new String[] {"Range", "bytes=100-199"},
                new String[] {"Range", "bytes=0-0,5-9"}, new String[] {"If-None-Match", "\"x\""})) {
            HttpResponse<byte[]> get = client.get(path, headers);
            HttpResponse<byte[]> head = client.send("HEAD", path, HttpRequest.BodyPublishers.noBody(), headers);
            Map<String, List<String>> g = new TreeMap<>(get.headers().map());
            Map<String, List<String>> h = new TreeMap<>(head.headers().map());
            if (get.statusCode() == 206) {
                // HEAD ignores Range (docs/http.md): compare it with the plain GET instead
                get = client.get(path);
                g = new TreeMap<>(get.headers().map());
            }
            g.remove("content-type");
            h.remove("content-type");
            assertEquals(g, h, "HEAD and GET headers for " + String.join(" ", headers));
            assertEquals(0, head.body().length);
        }
    }

    @Test
    void should_let_ffprobe_read_and_seek_an_mp4_whose_moov_is_at_the_end() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ffprobe")), "ffmpeg not installed");
        String id = upload(TestClient.resource("clip-moov-at-end.mp4"), "clip-moov-at-end.mp4", "video/mp4");
        String url = client.base + signedPath(id, 300);
        String duration = run("/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url).trim();
        assertEquals(10.0, Double.parseDouble(duration), 0.2, "duration read through Range requests");
        // seek past the middle and decode there: the frames match those decoded from the local file
        Path local = DATA_DIR.resolve("clip-moov-at-end.mp4");
        Files.write(local, TestClient.resource("clip-moov-at-end.mp4"));
        String overHttp = run("/usr/bin/ffmpeg", "-v", "error", "-ss", "7", "-i", url, "-an", "-frames:v", "5", "-f", "framemd5", "-");
        String fromDisk = run("/usr/bin/ffmpeg", "-v", "error", "-ss", "7", "-i", local.toString(), "-an", "-frames:v", "5", "-f", "framemd5", "-");
        assertTrue(overHttp.lines().filter(l -> !l.startsWith("#")).count() == 5, overHttp);
        assertEquals(fromDisk, overHttp, "the same frames after seeking over HTTP as from the file");
    }

    @Test
    void should_free_everything_after_10000_aborted_downloads() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        new java.util.Random(4).nextBytes(big);
        String id = upload(big, "big.bin", "application/octet-stream");
        String path = signedPath(id, 3600);
        abort(path, 200, null); // warm up: pools, classes, connections
        Thread.sleep(500);
        long fdsBefore = openFiles();
        long directBefore = directMemory();
        long t0 = System.nanoTime();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<java.util.concurrent.Future<?>> jobs = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            // zero-copy whole file, a single range, and multipart ranges (the chunked path)
            String range = thread == 1 ? "bytes=1000000-" : thread == 2 ? "bytes=0-99999,500000-699999,2000000-" : null;
            jobs.add(pool.submit(() -> {
                abort(path, 2500, range);
                return null;
            }));
        }
        for (var j : jobs) {
            j.get();
        }
        pool.shutdown();
        Thread.sleep(2000);
        long fdsAfter = openFiles();
        long directAfter = directMemory();
        System.out.printf("[measure] 10000 aborted downloads in %d ms: open files %d -> %d, direct memory (Netty pool + JVM buffers) %d -> %d KiB%n",
                (System.nanoTime() - t0) / 1_000_000, fdsBefore, fdsAfter, directBefore >> 10, directAfter >> 10);
        assertTrue(fdsAfter <= fdsBefore + 16, "file handles leaked: " + fdsBefore + " -> " + fdsAfter);
        assertTrue(directAfter <= directBefore + 32L * 1024 * 1024, "direct memory leaked: " + directBefore + " -> " + directAfter);
        assertArrayEquals(big, client.get(path).body(), "still serving correctly afterwards");
    }

    /** Opens {@code n} downloads, reads a little of each, and drops the connection with a reset. */
    private static void abort(String path, int n, String range) throws Exception {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (range == null ? "" : "Range: " + range + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[4096];
        for (int i = 0; i < n; i++) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", PORT)) {
                s.setSoLinger(true, 0);
                s.getOutputStream().write(request);
                s.getInputStream().read(buf);
            }
        }
    }

    /** Direct memory in use: Netty's pooled allocator plus the JVM's direct buffer pool. */
    private static long directMemory() {
        long jvm = java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(b -> b.getName().equals("direct")).mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
        return io.netty.buffer.PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() + jvm;
    }

    private static long openFiles() throws Exception {
        try (var files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void should_describe_segments_and_sources_in_the_manifest() throws Exception {
        byte[] data = new byte[9 * 1024 * 1024 + 123];
        new java.util.Random(7).nextBytes(data);
        String id = upload(data, "big.bin", "application/octet-stream");
        assertTrue(TestClient.eventually(java.time.Duration.ofSeconds(20), () -> client.verifiedReplicas(id) == 2), "replicated");

        HttpResponse<byte[]> r = client.get("/files/" + id + "/manifest");
        assertEquals(200, r.statusCode(), new String(r.body()));
        com.fasterxml.jackson.databind.JsonNode m = TestClient.JSON.readTree(r.body());
        assertEquals(data.length, m.path("size").asLong());
        assertEquals(TestClient.sha256(data), m.path("sha256").asText());
        long segmentSize = m.path("segmentSize").asLong();
        assertEquals(4 * 1024 * 1024, segmentSize);
        assertEquals(3, m.path("segments").size());
        for (com.fasterxml.jackson.databind.JsonNode seg : m.path("segments")) {
            int from = seg.path("offset").asInt();
            byte[] slice = Arrays.copyOfRange(data, from, from + seg.path("length").asInt());
            assertEquals(TestClient.sha256(slice), seg.path("sha256").asText(), "segment " + seg.path("index"));
        }
        // one source per node of the group, each a signed gateway URL naming the node; every one serves the bytes
        assertEquals(2, m.path("sources").size());
        com.fasterxml.jackson.databind.JsonNode second = m.path("segments").get(1);
        long first = second.path("offset").asLong();
        long last = first + second.path("length").asLong() - 1;
        for (com.fasterxml.jackson.databind.JsonNode src : m.path("sources")) {
            String url = src.path("url").asText();
            assertTrue(url.contains("sig=") && url.endsWith("&replica=" + src.path("node").asText()), url);
            HttpResponse<byte[]> part = client.get(url, "Range", "bytes=" + first + "-" + last);
            assertEquals(206, part.statusCode(), url);
            assertArrayEquals(Arrays.copyOfRange(data, (int) first, (int) last + 1), part.body(), url);
        }
        // a node without a copy of the file is a 404, not some other node's bytes
        String url = m.path("sources").get(0).path("url").asText();
        assertEquals(404, client.get(url.replaceAll("replica=.*$", "replica=g9-z")).statusCode());
        // the hashes were kept: a second manifest lists the same segments
        assertEquals(m.path("segments"), TestClient.JSON.readTree(client.get("/files/" + id + "/manifest").body()).path("segments"));
    }
}
