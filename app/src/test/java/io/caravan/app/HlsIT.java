package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * HLS packaging and serving in a running Caravan, checked with ffprobe and ffmpeg as players: each sample (MP4 with
 * the index at the start and at the end, WebM) is packaged after its upload, its master playlist has the same
 * duration and video frames as the source, the playlists and media are served with their types, ranges and
 * caching; with {@code caravan.hls.audio} an MP3 (with cover art) and a FLAC get an audio-only AAC packaging; a
 * file that is not media has no HLS; a corrupt video is stored and streams but its HLS is FAILED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + HlsIT.DATA,
            "caravan.http.port=" + HlsIT.PORT,
            "caravan.kafka.embedded.port=" + HlsIT.KAFKA_PORT,
            "caravan.extensions.dir=" + HlsIT.DATA + "/extensions",
            "caravan.hls.retry-delay=200ms",
            "caravan.hls.audio=true"
        })
class HlsIT {

    static final String DATA = "target/it/hls";
    static final int PORT = 18170;
    static final int KAFKA_PORT = 19172;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private String upload(byte[] bytes, String name, String type) throws Exception {
        HttpResponse<byte[]> r = client.upload(bytes, name, type);
        assertEquals(201, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        return (String) json(r).get("id");
    }

    private Map<String, Object> awaitHls(String id, String state) throws Exception {
        return TestClient.JSON.convertValue(client.awaitHls(id, state), Map.class);
    }

    private static int videoFrames(String input) throws Exception {
        return Integer.parseInt(MediaTool.run("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", input).trim().split("\\s+")[0]);
    }

    private static double duration(String input) throws Exception {
        return MediaTool.probe(input).path("format").path("duration").asDouble();
    }

    @Test
    void should_package_each_sample_into_hls_that_players_read_like_the_source() throws Exception {
        for (String sample : new String[] {"clip.mp4", "clip-moov-at-end.mp4", "clip.webm"}) {
            Path source = DATA_DIR.resolve(sample);
            Files.write(source, TestClient.resource(sample));
            String id = upload(Files.readAllBytes(source), sample, sample.endsWith(".webm") ? "video/webm" : "video/mp4");
            HttpResponse<byte[]> early = client.get("/files/" + id + "/hls/master.m3u8");
            if (early.statusCode() == 503) { // packaging takes a moment: the player is told to come back
                assertTrue(early.headers().firstValue("Retry-After").isPresent());
                assertEquals(503, json(early).get("status"));
            } else {
                assertEquals(200, early.statusCode(), new String(early.body(), StandardCharsets.UTF_8));
            }
            Map<String, Object> hls = awaitHls(id, "READY");
            String master = client.base + hls.get("master");

            assertEquals(duration(source.toString()), duration(master), 0.1, sample + ": the source's duration");
            assertEquals(videoFrames(source.toString()), videoFrames(master), sample + ": every video frame");
            String errors = MediaTool.run("ffmpeg", "-nostdin", "-v", "error", "-i", master, "-map", "0:v:0", "-map", "0:a:0?", "-f", "null", "-");
            assertEquals("", errors.trim(), sample + ": ffmpeg decodes the master playlist without an error line");

            HttpResponse<byte[]> m = client.get("/files/" + id + "/hls/master.m3u8");
            assertEquals("application/vnd.apple.mpegurl", m.headers().firstValue("Content-Type").orElse(""));
            assertTrue(m.headers().firstValue("Cache-Control").orElse("").contains("immutable"));
            String text = new String(m.body(), StandardCharsets.UTF_8);
            assertTrue(text.contains("BANDWIDTH=") && text.contains("AVERAGE-BANDWIDTH=") && text.contains("RESOLUTION=320x240")
                    && text.contains("CODECS=\"avc1.") && text.contains("mp4a.40.2") && text.contains("source.m3u8") && text.contains("audio.m3u8"), text);
            String variant = new String(client.get("/files/" + id + "/hls/source.m3u8").body(), StandardCharsets.UTF_8);
            assertTrue(variant.contains("#EXT-X-BYTERANGE:") && variant.contains("#EXT-X-MAP:URI=\"source.mp4\"")
                    && variant.contains("#EXT-X-ENDLIST"), variant);

            // the media: one fMP4 file, served with ranges like any file
            HttpResponse<byte[]> whole = client.get("/files/" + id + "/hls/source.mp4");
            assertEquals(200, whole.statusCode());
            assertEquals("video/mp4", whole.headers().firstValue("Content-Type").orElse(""));
            HttpResponse<byte[]> part = client.get("/files/" + id + "/hls/source.mp4", "Range", "bytes=100-4195");
            assertEquals(206, part.statusCode());
            assertArrayEquals(Arrays.copyOfRange(whole.body(), 100, 4196), part.body());
            assertEquals("audio/mp4", client.get("/files/" + id + "/hls/audio.mp4").headers().firstValue("Content-Type").orElse(""));
            assertEquals(404, client.get("/files/" + id + "/hls/720p.m3u8").statusCode(), "no such rendition");
        }
    }

    @Test
    void should_package_audio_into_an_audio_only_master_when_asked() throws Exception {
        Path mp3 = DATA_DIR.resolve("cover.mp3");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=6", "-f", "lavfi", "-i", "color=red:s=64x64:d=1",
                "-map", "0:a", "-map", "1:v", "-c:a", "libmp3lame", "-b:a", "128k", "-c:v", "mjpeg", "-frames:v", "1",
                "-disposition:v", "attached_pic", "-id3v2_version", "3", mp3.toString());
        Path flac = DATA_DIR.resolve("tone.flac");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=660:duration=5", "-c:a", "flac", flac.toString());
        for (Path source : new Path[] {mp3, flac}) {
            String name = source.getFileName().toString();
            String id = upload(Files.readAllBytes(source), name, name.endsWith(".mp3") ? "audio/mpeg" : "audio/flac");
            String master = client.base + awaitHls(id, "READY").get("master");

            String text = new String(client.get("/files/" + id + "/hls/master.m3u8").body(), StandardCharsets.UTF_8);
            assertTrue(text.contains("CODECS=\"mp4a.40.2\"") && text.contains("audio.m3u8"), name + ": " + text);
            assertTrue(!text.contains("RESOLUTION=") && !text.contains("source.m3u8"), name + ": no video rung (cover art is not video): " + text);
            assertEquals(404, client.get("/files/" + id + "/hls/source.m3u8").statusCode());
            assertEquals(duration(source.toString()), duration(master), 0.1, name + ": the source's duration");
            JsonNode streams = MediaTool.probe(master).path("streams");
            assertEquals(1, streams.size(), name + ": one stream: " + streams);
            assertEquals("aac", streams.get(0).path("codec_name").asText(), name);
            String errors = MediaTool.run("ffmpeg", "-nostdin", "-v", "error", "-i", master, "-f", "null", "-");
            assertEquals("", errors.trim(), name + ": ffmpeg decodes the master playlist without an error line");
            HttpResponse<byte[]> media = client.get("/files/" + id + "/hls/audio.mp4", "Range", "bytes=0-1023");
            assertEquals(206, media.statusCode());
            assertEquals("audio/mp4", media.headers().firstValue("Content-Type").orElse(""));
            assertEquals(1024, media.body().length);
        }
    }

    /** The HLS files of {@code id} by kind: kind to file id. */
    private Map<String, String> hlsFiles(String id) throws Exception {
        Map<String, String> out = new java.util.TreeMap<>();
        for (JsonNode d : TestClient.JSON.readTree(client.get("/files/" + id + "/info").body()).path("derived")) {
            if (d.path("kind").asText().startsWith("hls")) {
                out.put(d.path("kind").asText(), d.path("id").asText());
            }
        }
        return out;
    }

    private HttpResponse<byte[]> repackage(String id, String... headers) throws Exception {
        return client.send("POST", "/files/" + id + "/hls", HttpRequest.BodyPublishers.noBody(), headers);
    }

    @Test
    void should_package_again_on_request_and_drop_the_rungs_it_no_longer_makes() throws Exception {
        Path source = DATA_DIR.resolve("repack.mp4");
        Files.write(source, TestClient.resource("clip.mp4"));
        String id = upload(Files.readAllBytes(source), "repack.mp4", "video/mp4");
        awaitHls(id, "READY");
        Map<String, String> before = hlsFiles(id);
        assertEquals(java.util.Set.of("hls", "hls-source", "hls-source-media", "hls-audio", "hls-audio-media"), before.keySet());
        // a rung of an earlier ladder (caravan.hls.renditions changed since): stored as that kind of the source
        HttpResponse<byte[]> stale = client.send("POST", "/files/" + id + "/derived/hls-1080p-media?name=old-1080p.mp4",
                HttpRequest.BodyPublishers.ofByteArray(new byte[4096]), "Authorization", "Bearer " + TestClient.KEY, "Content-Type", "video/mp4");
        assertEquals(201, stale.statusCode(), new String(stale.body(), StandardCharsets.UTF_8));
        String staleId = (String) json(stale).get("id");

        assertEquals(401, repackage(id).statusCode(), "the API key is needed");
        HttpResponse<byte[]> asked = repackage(id, "Authorization", "Bearer " + TestClient.KEY);
        assertEquals(202, asked.statusCode(), new String(asked.body(), StandardCharsets.UTF_8));
        assertEquals(Map.of("state", "PACKAGING"), json(asked).get("hls"));
        assertEquals("PACKAGING", client.awaitHls(id, "PACKAGING").path("state").asText(), "PACKAGING as soon as it is asked");
        awaitHls(id, "READY");

        Map<String, String> after = hlsFiles(id);
        assertEquals(before.keySet(), after.keySet(), "the stale rung is gone: " + after);
        for (String kind : before.keySet()) {
            assertTrue(!before.get(kind).equals(after.get(kind)), kind + " was made again");
            assertEquals(404, client.get("/files/" + before.get(kind)).statusCode(), "the earlier " + kind + " is deleted");
        }
        assertEquals(404, client.get("/files/" + staleId).statusCode(), "the stale rung's file is deleted");
        assertEquals(duration(source.toString()), duration(client.base + "/files/" + id + "/hls/master.m3u8"), 0.1);

        String text = upload("not media".getBytes(StandardCharsets.UTF_8), "repack.txt", "text/plain");
        assertEquals(404, repackage(text, "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertEquals(404, repackage(before.get("hls-source-media"), "Authorization", "Bearer " + TestClient.KEY).statusCode(),
                "a file that is itself HLS (deleted, here) is not packaged");
    }

    @Test
    void should_have_no_hls_for_a_file_that_is_not_media_and_fail_a_corrupt_video_without_harm() throws Exception {
        String text = upload("just text".getBytes(StandardCharsets.UTF_8), "notes.txt", "text/plain");
        HttpResponse<byte[]> none = client.get("/files/" + text + "/hls/master.m3u8");
        assertEquals(404, none.statusCode());
        assertTrue(((String) json(none).get("error")).contains("no HLS"), new String(none.body(), StandardCharsets.UTF_8));

        byte[] garbage = new byte[200_000];
        new Random(5).nextBytes(garbage);
        String broken = upload(garbage, "broken.mp4", "video/mp4");
        Map<String, Object> hls = awaitHls(broken, "FAILED");
        assertTrue(((String) hls.get("error")).length() > 0, hls.toString());
        assertEquals(3, hls.get("attempts"), "tried caravan.hls.attempts times");
        assertArrayEquals(garbage, client.get("/files/" + broken).body(), "the original streams as stored");
        assertEquals(404, client.get("/files/" + broken + "/hls/master.m3u8").statusCode());
        assertEquals(200, client.get("/health").statusCode(), "Caravan stays healthy");
        // asked again (ffmpeg updated, say): tried again, and FAILED again for a file ffmpeg cannot read
        assertEquals(202, repackage(broken, "Authorization", "Bearer " + TestClient.KEY).statusCode());
        Map<String, Object> again = awaitHls(broken, "FAILED");
        assertEquals(3, again.get("attempts"), "tried caravan.hls.attempts times again: " + again);

        // deleting a packaged source deletes its HLS files
        Path source = DATA_DIR.resolve("again.mp4");
        Files.write(source, TestClient.resource("clip.mp4"));
        String id = upload(Files.readAllBytes(source), "again.mp4", "video/mp4");
        awaitHls(id, "READY");
        assertEquals(204, client.send("DELETE", "/files/" + id, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertEquals(404, client.get("/files/" + id + "/hls/master.m3u8").statusCode());
        assertEquals(404, client.get("/files/" + id + "/hls/source.mp4").statusCode());
    }
}
