package io.caravan.app;

import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code caravan.http.read-mode=redirect}: a GET of a file held on S3 nodes answers 307 to a presigned URL of a
 * verified copy, which a player follows for the bytes (ranges too); HEAD, conditional and multi-range requests and
 * files on disk nodes are answered by the gateway as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + S3RedirectIT.DATA,
            "caravan.http.port=" + S3RedirectIT.PORT,
            "caravan.kafka.embedded.port=19962",
            "caravan.http.read-mode=redirect",
            "caravan.http.redirect-ttl=2m",
            "caravan.storage.nodes=g1-a, g1-b, s3-a",
            "caravan.storage.node.s3-a.kind=s3",
            "caravan.storage.node.s3-a.endpoint=http://127.0.0.1:18986",
            "caravan.storage.node.s3-a.access-key=" + S3ProxyProcess.ACCESS_KEY,
            "caravan.storage.node.s3-a.secret-key=" + S3ProxyProcess.SECRET_KEY
        })
class S3RedirectIT {

    static final String DATA = "target/it/s3-redirect";
    static final int PORT = 18985;
    static final Path DATA_DIR = TestClient.freshDir(DATA);
    static final S3ProxyProcess S3 = new S3ProxyProcess(DATA_DIR.resolve("s3-a"), 18986);

    static {
        try {
            S3.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final TestClient client = new TestClient(PORT);
    private final HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @AfterAll
    void stopServer() throws Exception {
        S3.stop();
    }

    private HttpResponse<byte[]> follow(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(client.base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return following.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void should_send_players_to_the_s3_copy_and_answer_the_rest_itself() throws Exception {
        byte[] b = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(b);
        String id = client.uploadToGroup("s3", b);
        assertTrue(eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(id) >= 1));

        HttpResponse<byte[]> r = client.get("/files/" + id);
        assertEquals(307, r.statusCode());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.startsWith("http://127.0.0.1:18986/caravan-s3-a/" + id + "?"), location);
        assertTrue(location.contains("X-Amz-Expires=120"), "presigned for caravan.http.redirect-ttl: " + location);
        assertTrue(r.headers().firstValue("ETag").isPresent(), "the gateway's validators");

        HttpResponse<byte[]> whole = follow("/files/" + id);
        assertEquals(200, whole.statusCode());
        assertEquals(sha256(b), sha256(whole.body()), "the bytes, straight from S3");
        HttpResponse<byte[]> range = follow("/files/" + id, "Range", "bytes=1000000-1999999");
        assertEquals(206, range.statusCode());
        assertEquals(sha256(Arrays.copyOfRange(b, 1_000_000, 2_000_000)), sha256(range.body()), "a range, from S3");

        HttpResponse<byte[]> head = client.send("HEAD", "/files/" + id, HttpRequest.BodyPublishers.noBody());
        assertEquals(200, head.statusCode(), "HEAD: answered by the gateway");
        assertEquals(String.valueOf(b.length), head.headers().firstValue("Content-Length").orElseThrow());
        String etag = head.headers().firstValue("ETag").orElseThrow();
        assertEquals(304, client.get("/files/" + id, "If-None-Match", etag).statusCode(), "conditional: the gateway's 304");
        HttpResponse<byte[]> multi = client.get("/files/" + id, "Range", "bytes=0-9,100-109");
        assertEquals(206, multi.statusCode(), "several ranges: the gateway's multipart");
        String body = new String(multi.body(), StandardCharsets.ISO_8859_1);
        assertTrue(body.contains("Content-Range: bytes 0-9/" + b.length + "\r\n\r\n"
                + new String(Arrays.copyOfRange(b, 0, 10), StandardCharsets.ISO_8859_1)));

        byte[] d = "on a disk node".getBytes(StandardCharsets.UTF_8);
        String onDisk = client.uploadToGroup("g1", d);
        HttpResponse<byte[]> disk = client.get("/files/" + onDisk);
        assertEquals(200, disk.statusCode(), "disk nodes are proxied");
        assertEquals(sha256(d), sha256(disk.body()));

        PrometheusText m = PrometheusText.parse(new String(client.get("/metrics").body(), StandardCharsets.UTF_8));
        assertTrue(m.value("caravan_gets_total", Map.of("node", "s3-a", "transport", "redirect")) >= 3);
        assertEquals(0.0, m.value("caravan_get_bytes_total", Map.of("node", "s3-a", "transport", "redirect")), "no byte through the gateway");
    }
}
