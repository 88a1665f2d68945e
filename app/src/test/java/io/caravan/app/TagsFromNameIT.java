package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
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
 * Recipe tags-from-name dropped into a running Caravan: "Artist - Title (1999).mp3" gets artist, title and year
 * tags, seen in its info, in its meta-changed event and by search; a name without " - " gets none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + TagsFromNameIT.DATA,
            "caravan.http.port=" + TagsFromNameIT.PORT,
            "caravan.kafka.embedded.port=" + TagsFromNameIT.KAFKA_PORT,
            "caravan.extensions.dir=" + TagsFromNameIT.DATA + "/extensions",
            "caravan.extensions.retry-delay=100"
        })
class TagsFromNameIT {

    static final String DATA = "target/it/tags-from-name";
    static final int PORT = 18150;
    static final int KAFKA_PORT = 19152;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    @SuppressWarnings("unchecked")
    private Map<String, Object> meta(String id) throws Exception {
        return (Map<String, Object>) json(client.get("/files/" + id + "/info")).get("meta");
    }

    @Test
    void should_tag_audio_from_its_name() throws Exception {
        Path mp3 = DATA_DIR.resolve("tone.mp3");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libmp3lame", "-b:a", "64k", mp3.toString());
        byte[] bytes = Files.readAllBytes(mp3);
        client.dropRecipe(DATA_DIR.resolve("extensions"), "tags-from-name");
        String withYear = (String) json(client.upload(bytes, "Nina Simone - Feeling Good (1965).mp3", "audio/mpeg")).get("id");
        String noYear = (String) json(client.upload(bytes, "Mr. Bungle - Vol. 2.mp3", "audio/mpeg")).get("id");
        String plain = (String) json(client.upload(bytes, "untitled.mp3", "audio/mpeg")).get("id");

        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> {
            try {
                return meta(withYear).containsKey("year") && meta(noYear).containsKey("title");
            } catch (Exception e) {
                return false;
            }
        }), "tags set");
        Map<String, Object> m = meta(withYear);
        assertEquals("Nina Simone", m.get("artist"));
        assertEquals("Feeling Good", m.get("title"));
        assertEquals("1965", m.get("year"));
        Map<String, Object> n = meta(noYear);
        assertEquals("Mr. Bungle", n.get("artist"));
        assertEquals("Vol. 2", n.get("title"));
        assertTrue(!n.containsKey("year"), n.toString());

        // the media-tags route sends a meta-changed event of its own (duration, codec): the recipe's is the one with an artist
        JsonNode changed = TestClient.records(KAFKA_PORT, "caravan.files").stream().map(rec -> readTree(rec.value()))
                .filter(e -> "caravan.file.meta-changed".equals(e.path("type").asText()) && withYear.equals(e.path("subject").asText())
                        && e.path("data").path("meta").has("artist"))
                .findFirst().orElseThrow(() -> new AssertionError("no meta-changed event with the tags"));
        assertEquals("Nina Simone", changed.path("data").path("meta").path("artist").asText());
        assertEquals("1965", changed.path("data").path("meta").path("year").asText());

        Map<String, Object> found = json(client.get("/files?q=" + URLEncoder.encode("nina simone", StandardCharsets.UTF_8),
                "Authorization", "Bearer " + TestClient.KEY));
        assertEquals(1, ((java.util.List<?>) found.get("files")).size(), found.toString());
        assertEquals(withYear, ((Map<?, ?>) ((java.util.List<?>) found.get("files")).get(0)).get("id"));

        Thread.sleep(1000);
        assertTrue(!meta(plain).containsKey("artist"), "no tags from a name without ' - '");
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
