package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Derived files through the whole pipeline: stored over HTTP, listed with their source, replicated and served
 * like any file, announced with {@code derivedFrom} and {@code kind}, replaced by kind, deleted with the source.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + DerivedFilesIT.DATA,
            "caravan.http.port=" + DerivedFilesIT.PORT,
            "caravan.kafka.embedded.port=" + DerivedFilesIT.KAFKA_PORT,
            "caravan.extensions.dir=" + DerivedFilesIT.DATA + "/extensions"
        })
class DerivedFilesIT {

    static final String DATA = "target/it/derived";
    static final int PORT = 18580;
    static final int KAFKA_PORT = 19592;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private HttpResponse<byte[]> derive(String source, String kind, byte[] bytes, String name, String type) throws Exception {
        return client.send("POST", "/files/" + source + "/derived/" + kind + "?name=" + name, HttpRequest.BodyPublishers.ofByteArray(bytes),
                "Authorization", "Bearer " + TestClient.KEY, "Content-Type", type);
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> derivedOf(String id) throws Exception {
        return (List<Map<String, Object>>) json(client.get("/files/" + id + "/info")).get("derived");
    }

    @Test
    void should_store_list_serve_replace_and_delete_derived_files() throws Exception {
        byte[] video = new byte[50_000];
        new Random(3).nextBytes(video);
        String source = (String) json(client.upload(video, "clip.mp4", "video/mp4")).get("id");
        byte[] poster = new byte[7_000];
        new Random(4).nextBytes(poster);

        HttpResponse<byte[]> made = derive(source, "poster", poster, "clip.jpg", "image/jpeg");
        assertEquals(201, made.statusCode(), new String(made.body(), StandardCharsets.UTF_8));
        Map<String, Object> p = json(made);
        String posterId = (String) p.get("id");
        assertEquals(source, p.get("derivedFrom"));
        assertEquals("poster", p.get("kind"));
        assertEquals("image/jpeg", p.get("contentType"));
        assertEquals(json(client.get("/files/" + source + "/info")).get("group"), p.get("group"), "in its source's group");

        assertEquals(List.of(Map.of("kind", "poster", "id", posterId, "name", "clip.jpg", "contentType", "image/jpeg", "size", 7000)),
                derivedOf(source));
        Map<String, Object> info = json(client.get("/files/" + posterId + "/info"));
        assertEquals(source, info.get("derivedFrom"));
        assertEquals("poster", info.get("kind"));
        HttpResponse<byte[]> range = client.get("/files/" + posterId, "Range", "bytes=100-199");
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(poster, 100, 200), range.body());
        assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> TestClient.copies(DATA_DIR, posterId).size() == 2),
                "replicated to both nodes of the group");
        JsonNode stored = TestClient.findEvent(KAFKA_PORT, posterId, "caravan.file.stored");
        assertEquals(source, stored.path("data").path("derivedFrom").asText());
        assertEquals("poster", stored.path("data").path("kind").asText());

        // again: the new poster replaces the old one
        byte[] second = Arrays.copyOf(poster, 6_000);
        String secondId = (String) json(derive(source, "poster", second, "clip2.jpg", "image/jpeg")).get("id");
        assertEquals(List.of(secondId), derivedOf(source).stream().map(d -> d.get("id")).toList());
        assertEquals(404, client.get("/files/" + posterId).statusCode(), "the replaced poster is gone");

        assertEquals(404, derive("9-aaaaaaaaaaaa.mp4", "poster", poster, "x.jpg", "image/jpeg").statusCode(), "no such source");
        assertEquals(400, derive(source, "Not_A_Kind", poster, "x.jpg", "image/jpeg").statusCode());

        // the source goes: its derived files go with it, everywhere
        assertEquals(204, client.send("DELETE", "/files/" + source, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertEquals(404, client.get("/files/" + secondId).statusCode());
        assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> TestClient.copies(DATA_DIR, secondId).isEmpty()
                && TestClient.copies(DATA_DIR, posterId).isEmpty()), "no copy of a derived file is left");
    }
}
