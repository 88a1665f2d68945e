package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Flow;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recipe upload-policy dropped into a running Caravan: a name outside the pattern is refused with 403, a type
 * outside the allow-list with 415 (declared, or shown by the bytes), more bytes than the group's limit with 413
 * (declared length, and chunked bodies once counted), each with its reason, and nothing of them stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + UploadPolicyIT.DATA,
            "caravan.http.port=" + UploadPolicyIT.PORT,
            "caravan.kafka.embedded.port=" + UploadPolicyIT.KAFKA_PORT,
            "caravan.extensions.dir=" + UploadPolicyIT.DATA + "/extensions",
            "caravan.recipes.upload-policy.name-pattern=[A-Za-z0-9 ._()-]+",
            "caravan.recipes.upload-policy.max-bytes=100000",
            "caravan.recipes.upload-policy.max-bytes.g2=20000"
        })
class UploadPolicyIT {

    static final String DATA = "target/it/upload-policy";
    static final int PORT = 18160;
    static final int KAFKA_PORT = 19162;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);

    private static byte[] mp3Like(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        b[0] = 'I';
        b[1] = 'D';
        b[2] = '3'; // an ID3 tag: the bytes show audio/mpeg
        b[3] = 4;
        b[4] = 0;
        b[5] = 0;
        b[6] = b[7] = b[8] = b[9] = 0;
        return b;
    }

    private HttpResponse<byte[]> post(String query, HttpRequest.BodyPublisher body, String type) throws Exception {
        return client.send("POST", "/files?" + query, body, "Authorization", "Bearer " + TestClient.KEY, "Content-Type", type);
    }

    /** A body of unknown length: sent chunked. */
    private static HttpRequest.BodyPublisher chunked(byte[] bytes) {
        HttpRequest.BodyPublisher fixed = HttpRequest.BodyPublishers.ofByteArray(bytes);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> s) {
                fixed.subscribe(s);
            }
        };
    }

    private void assertRefused(HttpResponse<byte[]> r, int status, String reasonPart) throws Exception {
        assertEquals(status, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        Map<String, Object> error = json(r);
        assertEquals(status, error.get("status"));
        assertTrue(((String) error.get("error")).contains(reasonPart), error.toString());
    }

    @Test
    void should_refuse_by_name_type_and_size_and_store_nothing() throws Exception {
        client.dropRecipe(DATA_DIR.resolve("extensions"), "upload-policy");
        List<Path> before = TestClient.nodeFiles(DATA_DIR);

        assertRefused(post("name=" + "bad%3Cname%3E.mp3", HttpRequest.BodyPublishers.ofByteArray(mp3Like(5000)), "audio/mpeg"),
                403, "is not accepted here");
        assertRefused(post("name=notes.txt", HttpRequest.BodyPublishers.ofByteArray("hello".getBytes()), "text/plain"),
                415, "text/plain");
        // declared audio, but the bytes are a PDF
        byte[] pdf = "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(post("name=song.mp3", HttpRequest.BodyPublishers.ofByteArray(pdf), "audio/mpeg"), 415, "application/pdf");
        // over the default limit with a declared length: refused before the body is read
        assertRefused(post("name=big.mp3", HttpRequest.BodyPublishers.ofByteArray(mp3Like(150_000)), "audio/mpeg"), 413, "100000");
        // over group g2's own limit, chunked: counted, then refused
        assertRefused(post("name=mid.mp3&group=g2", chunked(mp3Like(30_000)), "audio/mpeg"), 413, "20000");
        assertEquals(before, TestClient.nodeFiles(DATA_DIR), "nothing of a refused upload is stored");

        // within the rules: stored, in g2 too under its limit, and in g1 over g2's limit
        assertEquals(201, post("name=Song%20(Live).mp3&group=g2", chunked(mp3Like(15_000)), "audio/mpeg").statusCode());
        assertEquals(201, post("name=mid.mp3&group=g1", chunked(mp3Like(30_000)), "audio/mpeg").statusCode());
    }
}
