package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Recipe audio-rendition dropped into a running Caravan: stored FLAC and WAV files get a 128 kbit/s AAC rendition
 * (kind audio-128k) whose codec, duration and bit rate ffprobe reads from its URL; an MP3 gets none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + AudioRenditionIT.DATA,
            "caravan.http.port=" + AudioRenditionIT.PORT,
            "caravan.kafka.embedded.port=" + AudioRenditionIT.KAFKA_PORT,
            "caravan.extensions.dir=" + AudioRenditionIT.DATA + "/extensions",
            "caravan.extensions.retry-delay=100"
        })
class AudioRenditionIT {

    static final String DATA = "target/it/audio-rendition";
    static final int PORT = 18120;
    static final int KAFKA_PORT = 19122;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> derivedOf(String id) throws Exception {
        return (List<Map<String, Object>>) json(client.get("/files/" + id + "/info")).get("derived");
    }

    private String upload(Path file, String type) throws Exception {
        var r = client.upload(Files.readAllBytes(file), file.getFileName().toString(), type);
        assertEquals(201, r.statusCode());
        return (String) json(r).get("id");
    }

    private void assertRendition(String source, double seconds) throws Exception {
        assertTrue(TestClient.eventually(Duration.ofSeconds(60), () -> {
            try {
                return !derivedOf(source).isEmpty();
            } catch (Exception e) {
                return false;
            }
        }), "a rendition of " + source + " is listed");
        Map<String, Object> d = derivedOf(source).get(0);
        assertEquals("audio-128k", d.get("kind"));
        assertEquals("audio/mp4", d.get("contentType"));
        JsonNode probe = MediaTool.probe(client.base + "/files/" + d.get("id"));
        JsonNode audio = probe.path("streams").get(0);
        assertEquals("aac", audio.path("codec_name").asText());
        assertEquals(seconds, probe.path("format").path("duration").asDouble(), 0.1, "the source's duration");
        long bitRate = audio.path("bit_rate").asLong();
        assertTrue(bitRate > 100_000 && bitRate < 150_000, "about 128 kbit/s, not " + bitRate);
    }

    @Test
    void should_make_a_128k_rendition_of_lossless_audio() throws Exception {
        Path media = Files.createDirectories(DATA_DIR.resolve("media"));
        Path flac = media.resolve("Quartet No. 1.flac");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=6:c=pink:a=0.3", "-ac", "2", "-ar", "44100", "-c:a", "flac", flac.toString());
        Path wav = media.resolve("take two.wav");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "anoisesrc=d=4:c=white:a=0.2", "-ac", "2", "-ar", "48000", "-c:a", "pcm_s16le", wav.toString());
        Path mp3 = media.resolve("already.mp3");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "libmp3lame", "-b:a", "64k", mp3.toString());
        String flacId = upload(flac, "audio/flac");
        client.dropRecipe(DATA_DIR.resolve("extensions"), "audio-rendition");
        String wavId = upload(wav, "audio/wav");
        String mp3Id = upload(mp3, "audio/mpeg");

        assertRendition(flacId, 6.0);
        assertRendition(wavId, 4.0);
        Thread.sleep(1500);
        assertEquals(List.of(), derivedOf(mp3Id), "no rendition of lossy audio");
        String renditionId = (String) derivedOf(flacId).get(0).get("id");
        assertEquals(List.of(), derivedOf(renditionId), "no rendition of a rendition");
        assertEquals(List.of(), TestClient.records(KAFKA_PORT, "caravan.files.dlq").stream().map(rec -> rec.value()).toList(),
                "no event was dead-lettered");
    }
}
