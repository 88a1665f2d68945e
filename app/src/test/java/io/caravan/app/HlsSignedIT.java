package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HLS with signed URLs and a two-rung ladder: the signed master URL from {@code POST /files/{id}/url} is all ffmpeg
 * needs to decode the whole video (its playlists' URIs carry their own signatures); unsigned or forged HLS URLs are
 * {@code 403}; and after the node that took the upload fails, the video still plays from the other replica.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + HlsSignedIT.DATA,
            "caravan.http.port=" + HlsSignedIT.PORT,
            "caravan.kafka.embedded.port=" + HlsSignedIT.KAFKA_PORT,
            "caravan.extensions.dir=" + HlsSignedIT.DATA + "/extensions",
            "caravan.http.signed-urls=true",
            "caravan.hls.renditions=source,180p",
            "caravan.tracker.heartbeat-interval=500ms",
            "caravan.tracker.offline-after=3"
        })
class HlsSignedIT {

    static final String DATA = "target/it/hls-signed";
    static final int PORT = 18190;
    static final int KAFKA_PORT = 19192;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private static int videoFrames(String input, int stream) throws Exception {
        return Integer.parseInt(MediaTool.run("ffprobe", "-v", "error", "-select_streams", "v:" + stream, "-count_frames",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input).trim().split("\\s+")[0]);
    }

    @Test
    void should_play_through_a_signed_master_refuse_unsigned_urls_and_survive_a_node() throws Exception {
        Path source = DATA_DIR.resolve("clip.mp4");
        Files.write(source, TestClient.resource("clip.mp4"));
        HttpResponse<byte[]> up = client.send("POST", "/files?name=clip.mp4&group=g1", HttpRequest.BodyPublishers.ofFile(source),
                "Authorization", "Bearer " + TestClient.KEY, "Content-Type", "video/mp4");
        assertEquals(201, up.statusCode());
        String id = (String) json(up).get("id");
        client.awaitHls(id, "READY");

        Map<String, Object> url = json(client.send("POST", "/files/" + id + "/url?ttl=600", HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + TestClient.KEY));
        String master = client.base + url.get("hls");
        assertTrue(master.contains("/hls/master.m3u8?expires=") && master.contains("&sig="), master);

        String text = new String(client.get((String) url.get("hls")).body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("source.m3u8?expires=") && text.contains("180p.m3u8?expires=") && text.contains("RESOLUTION=240x180"), text);
        // the ladder: two video renditions, the source's 320x240 and 240x180
        JsonNode probe = MediaTool.probe(master);
        List<Integer> heights = new java.util.ArrayList<>();
        probe.path("streams").forEach(s -> {
            if ("video".equals(s.path("codec_type").asText())) {
                heights.add(s.path("height").asInt());
            }
        });
        assertTrue(heights.contains(240) && heights.contains(180), heights.toString());
        assertEquals(250, videoFrames(master, 0), "every frame through the signed master");
        assertEquals("", MediaTool.run("ffmpeg", "-nostdin", "-v", "error", "-i", master, "-f", "null", "-").trim());

        // unsigned, forged, or signed for another file: refused
        assertEquals(403, client.get("/files/" + id + "/hls/master.m3u8").statusCode());
        assertEquals(403, client.get("/files/" + id + "/hls/source.mp4").statusCode());
        String forged = ((String) url.get("hls")).replace("master.m3u8", "source.mp4");
        assertEquals(403, client.get(forged).statusCode(), "the master's signature does not open the media");
        String variant = text.lines().filter(l -> l.startsWith("source.m3u8")).findFirst().orElseThrow();
        String variantText = new String(client.get("/files/" + id + "/hls/" + variant).body(), StandardCharsets.UTF_8);
        String media = variantText.lines().filter(l -> l.startsWith("source.mp4?")).findFirst().orElseThrow();
        assertEquals(206, client.get("/files/" + id + "/hls/" + media, "Range", "bytes=0-99").statusCode(), "a signed media URI works");

        // the node that took the upload fails: the HLS files play from the other replica
        List<String> hlsFiles = new java.util.ArrayList<>();
        for (Object d : (List<?>) json(client.get("/files/" + id + "/info")).get("derived")) {
            hlsFiles.add((String) ((Map<?, ?>) d).get("id"));
        }
        assertEquals(7, hlsFiles.size(), "master, and a playlist and a media file for source, 180p and audio: " + hlsFiles);
        assertTrue(TestClient.eventually(Duration.ofSeconds(20), () -> TestClient.copies(DATA_DIR, id).size() == 2
                && hlsFiles.stream().allMatch(f -> TestClient.copies(DATA_DIR, f).size() == 2)), "the video and its HLS files replicated");
        Path node = DATA_DIR.resolve("nodes/g1-a");
        Path away = DATA_DIR.resolve("nodes/g1-a.away");
        Files.move(node, away);
        Files.writeString(node, "not a directory");
        try {
            assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> "OFFLINE".equals(client.nodeState("g1-a"))), "g1-a is offline");
            assertEquals(250, videoFrames(master, 0), "every frame from g1-b");
        } finally {
            Files.delete(node);
            Files.move(away, node);
        }
    }
}
