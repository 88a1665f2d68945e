package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Live ingest in a running Caravan, driven by a real ffmpeg pushing HLS over HTTP (MPEG-TS and fMP4 segments):
 * ffprobe plays the live playlist during the push; after it the stream is ENDED and its recording has the
 * pushed duration and every frame, and its own HLS; a DELETEd segment stays readable for its retention and is
 * then gone from every node; bad input gets its status with nothing half stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + LiveIT.DATA,
            "caravan.http.port=" + LiveIT.PORT,
            "caravan.kafka.embedded.port=" + LiveIT.KAFKA_PORT,
            "caravan.extensions.dir=" + LiveIT.DATA + "/extensions",
            "caravan.live.idle-timeout=3s",
            "caravan.live.watch-interval=200",
            "caravan.live.max-segment-bytes=1048576",
            "caravan.live.max-streams=3"
        })
class LiveIT {

    static final String DATA = "target/it/live";
    static final int PORT = 19380;
    static final int KAFKA_PORT = 19392;
    static final Path DATA_DIR = TestClient.freshDir(DATA);
    static final double SECONDS = 10;
    static final String AUTH = "Bearer " + TestClient.KEY;

    private final TestClient client = new TestClient(PORT);
    private Path source;

    @BeforeAll
    void source() throws Exception {
        // 640x360, 25 fps, a keyframe every 2 s (segments are cut on keyframes only), AAC audio
        source = DATA_DIR.resolve("source.mp4");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=" + SECONDS, "-f", "lavfi",
                "-i", "sine=frequency=440:duration=" + SECONDS, "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "96k", source.toString());
    }

    /** ffmpeg pushing the source in real time to {@code /live/<stream>/index.m3u8}, as docs/live.md shows. */
    private Process push(String stream, String segmentType, String key, int listSize) throws Exception {
        return push(source, stream, segmentType, key, listSize);
    }

    private Process push(Path input, String stream, String segmentType, String key, int listSize) throws Exception {
        List<String> c = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-i", input.toString(),
                "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", String.valueOf(listSize),
                "-hls_flags", "delete_segments+program_date_time", "-hls_segment_type", segmentType,
                "-method", "PUT", "-http_persistent", "1", "-headers", "Authorization: Bearer " + key + "\r\n",
                client.base + "/live/" + stream + "/index.m3u8"));
        return new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(DATA_DIR.resolve(stream + "-ffmpeg.log").toFile()).start();
    }

    private JsonNode state(String stream) throws Exception {
        return TestClient.JSON.readTree(client.get("/live/" + stream).body());
    }

    private String playlist(String stream) throws Exception {
        HttpResponse<byte[]> r = client.get("/live/" + stream + "/index.m3u8");
        return r.statusCode() == 200 ? new String(r.body(), StandardCharsets.UTF_8) : "";
    }

    private static List<String> segments(String playlist) {
        return playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private static int videoFrames(String input) throws Exception {
        return Integer.parseInt(MediaTool.run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input).trim());
    }

    private static double duration(String input) throws Exception {
        return MediaTool.probe(input).path("format").path("duration").asDouble();
    }

    /** The stored live files of {@code stream} named {@code name}, found by a search that lists them. */
    private List<String> storedFiles(String stream, String name) throws Exception {
        JsonNode page = TestClient.JSON.readTree(client.get("/files?derived=true&limit=500&q=" + stream + "-" + name, "Authorization", AUTH).body());
        List<String> ids = new ArrayList<>();
        page.path("files").forEach(f -> ids.add(f.path("id").asText()));
        return ids;
    }

    private void awaitState(String stream, String field, String value, Duration timeout) throws Exception {
        boolean reached = TestClient.eventually(timeout, () -> {
            try {
                return value.equals(state(stream).path(field).asText());
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(reached, stream + ": " + field + " is not " + value + ": " + state(stream));
    }

    @Test
    void should_play_a_pushed_stream_while_it_is_live_and_record_it_when_it_ends() throws Exception {
        int sourceFrames = videoFrames(source.toString());
        for (String type : new String[] {"mpegts", "fmp4"}) {
            String stream = "cam-" + type;
            Process encoder = push(stream, type, TestClient.KEY, 6);
            assertTrue(TestClient.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return segments(playlist(stream)).size() >= (type.equals("fmp4") ? 3 : 2);
                } catch (Exception e) {
                    return false;
                }
            }), type + ": the playlist lists segments during the push: " + playlist(stream));
            JsonNode live = state(stream);
            assertEquals("LIVE", live.path("state").asText(), live.toString());
            assertTrue(live.path("segments").asInt() >= 2, live.toString());

            // a player during the push: the live playlist, its segments, ffprobe reading it
            HttpResponse<byte[]> pl = client.get("/live/" + stream + "/index.m3u8");
            assertEquals("application/vnd.apple.mpegurl", pl.headers().firstValue("Content-Type").orElse(""));
            assertEquals("public, max-age=1", pl.headers().firstValue("Cache-Control").orElse(""), "half the 2 s target duration");
            String text = new String(pl.body(), StandardCharsets.UTF_8);
            assertFalse(text.contains("#EXT-X-ENDLIST"), text);
            String first = segments(text).get(0);
            HttpResponse<byte[]> seg = client.get("/live/" + stream + "/" + first);
            assertEquals(200, seg.statusCode());
            assertEquals(type.equals("fmp4") ? "video/iso.segment" : "video/mp2t", seg.headers().firstValue("Content-Type").orElse(""), first);
            assertTrue(seg.headers().firstValue("Cache-Control").orElse("").contains("immutable"));
            HttpResponse<byte[]> part = client.get("/live/" + stream + "/" + first, "Range", "bytes=10-1033");
            assertEquals(206, part.statusCode());
            assertArrayEquals(Arrays.copyOfRange(seg.body(), 10, 1034), part.body());
            JsonNode probe = MediaTool.probe(client.base + "/live/" + stream + "/index.m3u8");
            List<String> codecs = new ArrayList<>();
            probe.path("streams").forEach(s -> codecs.add(s.path("codec_name").asText()));
            assertTrue(codecs.contains("h264") && codecs.contains("aac"), type + ": ffprobe plays the live playlist: " + codecs);

            assertTrue(encoder.waitFor(60, TimeUnit.SECONDS), type + ": the push ends");
            assertEquals(0, encoder.exitValue(), Files.readString(DATA_DIR.resolve(stream + "-ffmpeg.log")));
            awaitState(stream, "state", "ENDED", Duration.ofSeconds(10));
            // the last segment may come just after the playlist that ends the stream: ENDLIST is served once it is there
            assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> {
                try {
                    return playlist(stream).contains("#EXT-X-ENDLIST");
                } catch (Exception e) {
                    return false;
                }
            }), "the final playlist: " + playlist(stream));
            awaitState(stream, "recordingState", "RECORDED", Duration.ofSeconds(60));
            String recording = state(stream).path("recording").asText();
            String url = client.base + "/files/" + recording;
            assertEquals(SECONDS, duration(url), 0.5, type + ": the recording is as long as the push");
            assertEquals(sourceFrames, videoFrames(url), type + ": every pushed frame is in the recording");
            JsonNode hls = client.awaitHls(recording, "READY");
            assertEquals(SECONDS, duration(client.base + hls.path("master").asText()), 0.5, type + ": the recording's HLS");
            assertEquals("", MediaTool.run("ffmpeg", "-nostdin", "-v", "error", "-i", client.base + hls.path("master").asText(),
                    "-f", "null", "-").trim(), "the recording's HLS decodes without an error line");
        }
        List<String> types = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TestClient.records(KAFKA_PORT, "caravan.files")) {
            JsonNode e = TestClient.JSON.readTree(r.value());
            if (e.path("subject").asText().startsWith("cam-")) {
                types.add(e.path("subject").asText() + " " + e.path("type").asText());
            }
        }
        for (String s : List.of("cam-mpegts", "cam-fmp4")) {
            for (String t : List.of("caravan.live.started", "caravan.live.ended", "caravan.live.recorded")) {
                assertEquals(1, types.stream().filter((s + " " + t)::equals).count(), s + " " + t + " once: " + types);
            }
        }
    }

    @Test
    void should_serve_a_deleted_segment_for_its_retention_then_delete_it_from_every_node() throws Exception {
        HttpResponse<byte[]> created = client.send("POST", "/live", HttpRequest.BodyPublishers.ofString("{\"name\":\"short\",\"record\":false}"),
                "Authorization", AUTH, "Content-Type", "application/json");
        assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
        String key = (String) json(created).get("key");
        assertEquals(409, client.send("POST", "/live", HttpRequest.BodyPublishers.ofString("{\"name\":\"short\"}"),
                "Authorization", AUTH).statusCode(), "the name is taken");

        // the stream's own key is enough to push; -hls_list_size 2: index0.ts is DELETEd while the push goes on
        Process encoder = push("short", "mpegts", key, 2);
        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> {
            try {
                return !storedFiles("short", "index0").isEmpty() && !playlist("short").isEmpty() && !playlist("short").contains("index0.ts")
                        && playlist("short").contains("index3.ts");
            } catch (Exception e) {
                return false;
            }
        }), "index0.ts left the playlist: " + playlist("short"));
        String id = storedFiles("short", "index0").get(0);
        assertEquals(1, storedFiles("short", "index0").size());
        HttpResponse<byte[]> late = client.get("/live/short/index0.ts");
        assertEquals(200, late.statusCode(), "a player that still holds the previous playlist can fetch it");
        assertEquals(TestClient.sha256(client.get("/files/" + id).body()), TestClient.sha256(late.body()));
        assertTrue(encoder.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, encoder.exitValue(), Files.readString(DATA_DIR.resolve("short-ffmpeg.log")));

        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> {
            try {
                return client.get("/live/short/index0.ts").statusCode() == 404;
            } catch (Exception e) {
                return false;
            }
        }), "gone after its retention");
        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> TestClient.copies(DATA_DIR, id).isEmpty()),
                "its bytes are removed from every node: " + TestClient.copies(DATA_DIR, id));
        assertEquals(404, client.get("/files/" + id).statusCode());
        awaitState("short", "state", "ENDED", Duration.ofSeconds(10));
        assertFalse(state("short").has("recording"), "record=false: no recording");
        // every segment of an unrecorded stream goes after the retention that follows its end
        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> {
            try {
                return storedFiles("short", "index").isEmpty();
            } catch (Exception e) {
                return false;
            }
        }), "left: " + storedFiles("short", "index"));
    }

    @Test
    void should_keep_a_live_stream_playing_when_a_node_of_its_group_fails() throws Exception {
        Path input = DATA_DIR.resolve("twenty.mp4");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=20", "-f", "lavfi", "-i", "sine=frequency=550:duration=20",
                "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", input.toString());
        Process encoder = push(input, "failover", "mpegts", TestClient.KEY, 6);
        Path node = null;
        Path away = null;
        try {
            assertTrue(TestClient.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return segments(playlist("failover")).size() >= 2;
                } catch (Exception e) {
                    return false;
                }
            }), "the push started: " + playlist("failover"));
            String id = storedFiles("failover", "index0").get(0);
            assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(id) == 2), "index0.ts on both nodes");
            String group = TestClient.JSON.readTree(client.get("/files/" + id + "/info").body()).path("group").asText();
            byte[] before = client.get("/live/failover/index0.ts").body();
            List<String> listedBefore = segments(playlist("failover"));

            // a disk of the stream's group goes away mid-stream
            node = DATA_DIR.resolve("nodes/" + group + "-a");
            away = DATA_DIR.resolve("nodes/" + group + "-a.away");
            Files.move(node, away);
            Files.writeString(node, "not a directory");
            assertTrue(TestClient.eventually(Duration.ofSeconds(15), () -> "OFFLINE".equals(client.nodeState(group + "-a"))), "offline");
            assertArrayEquals(before, client.get("/live/failover/index0.ts").body(), "served from the other copy");
            // the push goes on: new segments go to the node that is left, are listed and served
            assertTrue(TestClient.eventually(Duration.ofSeconds(20), () -> {
                try {
                    List<String> now = segments(playlist("failover"));
                    return now.stream().filter(seg -> !listedBefore.contains(seg)).count() >= 2;
                } catch (Exception e) {
                    return false;
                }
            }), "new segments are listed while " + group + "-a is down: " + playlist("failover"));
            for (String seg : segments(playlist("failover"))) {
                assertEquals(200, client.get("/live/failover/" + seg).statusCode(), seg);
            }
            assertTrue(encoder.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, encoder.exitValue(), Files.readString(DATA_DIR.resolve("failover-ffmpeg.log")));
            awaitState("failover", "recordingState", "RECORDED", Duration.ofSeconds(60));
            assertEquals(20.0, duration(client.base + "/files/" + state("failover").path("recording").asText()), 0.5,
                    "the recording is whole though a node failed during the push");
        } finally {
            encoder.destroy();
            if (away != null) {
                Files.delete(node);
                Files.move(away, node);
            }
        }
    }

    @Test
    void should_play_a_live_stream_in_the_web_player_near_its_live_edge() throws Exception {
        assumeTrue(Browser.installed(), "chromium and chromedriver not installed");
        Path longer = DATA_DIR.resolve("longer.mp4");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=24", "-f", "lavfi", "-i", "sine=frequency=330:duration=24",
                "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", longer.toString());
        Process encoder = push(longer, "browser", "mpegts", TestClient.KEY, 6);
        ChromeDriver driver = Browser.start(DATA_DIR);
        try {
            assertTrue(TestClient.eventually(Duration.ofSeconds(20), () -> {
                try {
                    return segments(playlist("browser")).size() >= 2;
                } catch (Exception e) {
                    return false;
                }
            }), "the push started: " + playlist("browser"));
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            JavascriptExecutor js = driver;
            driver.get(client.base + "/ui/");
            driver.findElement(By.id("key")).sendKeys(TestClient.KEY + "\n");
            wait.until(d -> !d.findElements(By.cssSelector("tr.live[data-name='browser'][data-state='LIVE']")).isEmpty());
            Browser.click(driver, By.cssSelector("tr.live[data-name='browser']"));
            wait.until(d -> ((Number) js.executeScript("const m = document.getElementById('media'); return m ? m.currentTime : 0;"))
                    .doubleValue() > 3);
            assertTrue(encoder.isAlive(), "played while the push goes on");
            wait.until(d -> js.executeScript("return window.liveLatency;") != null);
            double behind = ((Number) js.executeScript("return window.liveLatency;")).doubleValue();
            assertTrue(behind < 8, "near the live edge: " + behind + " s behind");
            assertTrue(driver.findElement(By.id("liveEdge")).getText().contains("behind"), driver.findElement(By.id("liveEdge")).getText());
            @SuppressWarnings("unchecked")
            List<String> errors = (List<String>) js.executeScript("return window.hlsErrors;");
            assertTrue(errors.stream().noneMatch(e -> e.contains("fatal")), "no fatal hls.js error: " + errors);
        } finally {
            driver.quit();
            encoder.destroy();
        }
    }

    private HttpResponse<byte[]> put(String path, byte[] body, String... headers) throws Exception {
        return client.send("PUT", path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    @Test
    void should_refuse_bad_input_with_its_status_and_keep_nothing_of_it() throws Exception {
        byte[] good = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\nseg0.ts\n".getBytes(StandardCharsets.UTF_8);
        byte[] segment = Files.readAllBytes(source); // bytes enough for a segment: its content is not checked
        byte[] small = Arrays.copyOf(segment, 100_000);
        assertEquals(401, put("/live/bad/seg0.ts", small).statusCode(), "no key");
        assertEquals(401, put("/live/bad/seg0.ts", small, "Authorization", "Bearer wrong").statusCode(), "a wrong key");
        assertEquals(404, client.get("/live/bad").statusCode(), "a refused write starts no stream");
        assertEquals(400, put("/live/bad/seg%200.ts", small, "Authorization", AUTH).statusCode(), "a name outside [A-Za-z0-9._-]");
        assertEquals(400, put("/live/bad/seg0.exe", small, "Authorization", AUTH).statusCode(), "an unknown extension");
        assertEquals(404, client.get("/live/bad").statusCode());

        assertEquals(201, put("/live/bad/seg0.ts", small, "Authorization", AUTH).statusCode());
        assertEquals(201, put("/live/bad/index.m3u8", good, "Authorization", AUTH).statusCode());
        String before = playlist("bad");
        assertTrue(before.contains("seg0.ts"), before);
        HttpResponse<byte[]> broken = put("/live/bad/index.m3u8", "#EXTM3U\n#EXTINF:2.0,\n../../etc/passwd.ts\n".getBytes(StandardCharsets.UTF_8),
                "Authorization", AUTH);
        assertEquals(400, broken.statusCode());
        assertTrue(((String) json(broken).get("error")).length() > 0);
        assertEquals(before, playlist("bad"), "the last good playlist stays");

        // over caravan.live.max-segment-bytes (1 MiB here), sent chunked as ffmpeg does: 413, nothing kept
        byte[] big = new byte[1_600_000];
        HttpResponse<byte[]> tooBig = client.send("PUT", "/live/bad/big.ts",
                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)), "Authorization", AUTH);
        assertEquals(413, tooBig.statusCode(), new String(tooBig.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(), storedFiles("bad", "big"), "nothing of the big segment is stored");

        // an encoder that goes away mid-segment: nothing stored, nothing listed
        try (Socket s = new Socket("127.0.0.1", PORT)) {
            OutputStream out = s.getOutputStream();
            out.write(("PUT /live/bad/cut.ts HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("10000\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[30_000]);
            out.flush();
        }
        byte[] listsCut = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\nseg0.ts\n#EXTINF:2.0,\ncut.ts\n"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(201, put("/live/bad/index.m3u8", listsCut, "Authorization", AUTH).statusCode());
        Thread.sleep(500);
        assertFalse(playlist("bad").contains("cut.ts"), "a segment that never arrived whole is not listed: " + playlist("bad"));
        assertEquals(List.of(), storedFiles("bad", "cut"));
        assertEquals(404, client.get("/live/bad/cut.ts").statusCode());

        // caravan.live.max-streams (3 here): bad is LIVE, two more may start, the fourth may not
        assertEquals(201, put("/live/more-1/index.m3u8", good, "Authorization", AUTH).statusCode());
        assertEquals(201, put("/live/more-2/index.m3u8", good, "Authorization", AUTH).statusCode());
        HttpResponse<byte[]> tooMany = put("/live/more-3/index.m3u8", good, "Authorization", AUTH);
        assertEquals(429, tooMany.statusCode(), new String(tooMany.body(), StandardCharsets.UTF_8));
        assertEquals(404, client.get("/live/more-3").statusCode());

        // nothing more comes: ENDED after caravan.live.idle-timeout (3 s here), then a new stream may start
        awaitState("more-1", "state", "ENDED", Duration.ofSeconds(15));
        awaitState("bad", "state", "ENDED", Duration.ofSeconds(15));
        assertEquals(201, put("/live/more-3/index.m3u8", good, "Authorization", AUTH).statusCode());
        assertEquals(200, client.get("/health").statusCode());
    }
}
