package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recipe video-poster dropped into a running Caravan: a video stored before it came and one stored after both
 * get one JPEG poster, from the frame at 10% of their duration, at most 640 px wide and never upscaled; audio
 * and the posters themselves get none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + VideoPosterIT.DATA,
            "caravan.http.port=" + VideoPosterIT.PORT,
            "caravan.kafka.embedded.port=" + VideoPosterIT.KAFKA_PORT,
            "caravan.extensions.dir=" + VideoPosterIT.DATA + "/extensions",
            "caravan.extensions.retry-delay=100"
        })
class VideoPosterIT {

    static final String DATA = "target/it/video-poster";
    static final int PORT = 18110;
    static final int KAFKA_PORT = 19112;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    /** The derived files of {@code id} other than its HLS files (hls-package makes those of every video). */
    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> derivedOf(String id) throws Exception {
        return ((List<Map<String, Object>>) json(client.get("/files/" + id + "/info")).get("derived")).stream()
                .filter(d -> !((String) d.get("kind")).startsWith("hls")).toList();
    }

    private String upload(Path file, String type) throws Exception {
        var r = client.upload(Files.readAllBytes(file), file.getFileName().toString(), type);
        assertEquals(201, r.statusCode());
        return (String) json(r).get("id");
    }

    private Map<String, Object> posterOf(String id) throws Exception {
        assertTrue(TestClient.eventually(Duration.ofSeconds(60), () -> {
            try {
                return !derivedOf(id).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }), "a poster of " + id + " is listed");
        List<Map<String, Object>> derived = derivedOf(id);
        assertEquals(1, derived.size(), derived.toString());
        assertEquals("poster", derived.get(0).get("kind"));
        assertEquals("image/jpeg", derived.get(0).get("contentType"));
        assertTrue(((String) derived.get(0).get("name")).endsWith("-poster.jpg"), derived.toString());
        return derived.get(0);
    }

    private BufferedImage image(String id) throws Exception {
        var r = client.get("/files/" + id);
        assertEquals(200, r.statusCode());
        assertEquals((byte) 0xFF, r.body()[0], "JPEG SOI");
        assertEquals((byte) 0xD8, r.body()[1], "JPEG SOI");
        return ImageIO.read(new ByteArrayInputStream(r.body()));
    }

    @Test
    void should_make_one_poster_per_video_from_the_frame_at_ten_percent() throws Exception {
        Path media = Files.createDirectories(DATA_DIR.resolve("media"));
        // stored before the recipe comes: its group replays the topic from the beginning
        String before = upload(MediaTool.colourVideo(media.resolve("Big Clip (moov at end).mp4"), 1280, 720, 10, false), "video/mp4");
        Path song = media.resolve("tone.mp3");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libmp3lame", "-b:a", "64k", song.toString());
        String audio = upload(song, "audio/mpeg");

        client.dropRecipe(DATA_DIR.resolve("extensions"), "video-poster");
        String after = upload(MediaTool.colourVideo(media.resolve("small.mp4"), 320, 240, 10, true), "video/mp4");

        Map<String, Object> big = posterOf(before);
        BufferedImage bigPoster = image((String) big.get("id"));
        assertEquals(640, bigPoster.getWidth(), "scaled down to 640 px");
        assertEquals(360, bigPoster.getHeight(), "aspect kept");
        int rgb = bigPoster.getRGB(320, 180);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        assertTrue(g > 100 && r < 60 && b < 60, "the green frame at 1.0 s (10% of 10 s), not rgb " + r + "," + g + "," + b);

        BufferedImage smallPoster = image((String) posterOf(after).get("id"));
        assertEquals(320, smallPoster.getWidth(), "never upscaled");
        assertEquals(240, smallPoster.getHeight());

        // the poster is a derived file of its video, and no poster is made of it, nor of audio
        Map<String, Object> info = json(client.get("/files/" + big.get("id") + "/info"));
        assertEquals(before, info.get("derivedFrom"));
        Thread.sleep(2000);
        assertEquals(List.of(), derivedOf((String) big.get("id")), "no poster of a poster");
        assertEquals(List.of(), derivedOf(audio), "no poster of audio");
        // made once: one stored poster event per video, however often the event came
        long posterEvents = TestClient.records(KAFKA_PORT, "caravan.files").stream()
                .map(rec -> readTree(rec.value()))
                .filter(e -> "caravan.file.stored".equals(e.path("type").asText()) && before.equals(e.path("data").path("derivedFrom").asText())
                        && "poster".equals(e.path("data").path("kind").asText()))
                .count();
        assertEquals(1, posterEvents);
        assertEquals(List.of(), TestClient.records(KAFKA_PORT, "caravan.files.dlq").stream().map(rec -> rec.value()).toList(),
                "no event was dead-lettered");
    }

    private static JsonNode readTree(String json) {
        try {
            return TestClient.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
