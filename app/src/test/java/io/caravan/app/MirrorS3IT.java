package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recipe mirror-s3 dropped into a running Caravan, mirroring group g1 to a bucket of a real S3 server (S3Proxy in
 * its own JVM): files of g1 stored before and after it came are objects with the same bytes and content type; a
 * deleted file's object goes; files of g2 are not mirrored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + MirrorS3IT.DATA,
            "caravan.http.port=" + MirrorS3IT.PORT,
            "caravan.kafka.embedded.port=" + MirrorS3IT.KAFKA_PORT,
            "caravan.extensions.dir=" + MirrorS3IT.DATA + "/extensions",
            "caravan.extensions.retry-delay=100",
            "caravan.recipes.mirror-s3.endpoint=http://127.0.0.1:" + MirrorS3IT.S3_PORT,
            "caravan.recipes.mirror-s3.bucket=mirror",
            "caravan.recipes.mirror-s3.group=g1",
            "caravan.recipes.mirror-s3.prefix=caravan/",
            "caravan.recipes.mirror-s3.access-key=" + S3ProxyProcess.ACCESS_KEY,
            "caravan.recipes.mirror-s3.secret-key=" + S3ProxyProcess.SECRET_KEY
        })
class MirrorS3IT {

    static final String DATA = "target/it/mirror-s3";
    static final int PORT = 18130;
    static final int KAFKA_PORT = 19132;
    static final int S3_PORT = 18135;
    static final Path DATA_DIR = TestClient.freshDir(DATA);
    static final S3ProxyProcess S3 = new S3ProxyProcess(DATA_DIR.resolve("s3"), S3_PORT);

    static {
        try {
            S3.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final TestClient client = new TestClient(PORT);
    private final MinioClient s3 = MinioClient.builder().endpoint(S3.endpoint()).region("us-east-1")
            .credentials(S3ProxyProcess.ACCESS_KEY, S3ProxyProcess.SECRET_KEY).build();

    @AfterAll
    void stopServer() throws Exception {
        S3.stop();
    }

    private boolean hasObject(String key) {
        try {
            s3.statObject(StatObjectArgs.builder().bucket("mirror").object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            return false;
        } catch (Exception e) {
            return false; // the bucket is not there yet
        }
    }

    private byte[] object(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket("mirror").object(key).build())) {
            return in.readAllBytes();
        }
    }

    @Test
    void should_mirror_a_groups_files_byte_for_byte_and_delete_with_them() throws Exception {
        byte[] early = new byte[300_000];
        new Random(1).nextBytes(early);
        byte[] late = new byte[2_500_000];
        new Random(2).nextBytes(late);
        byte[] other = new byte[10_000];
        new Random(3).nextBytes(other);
        String earlyId = client.uploadToGroup("g1", early);
        client.dropRecipe(DATA_DIR.resolve("extensions"), "mirror-s3");
        var r = client.send("POST", "/files?name=late.mp4&group=g1", HttpRequest.BodyPublishers.ofByteArray(late),
                "Authorization", "Bearer " + TestClient.KEY, "Content-Type", "video/mp4");
        assertEquals(201, r.statusCode());
        String lateId = (String) json(r).get("id");
        String otherId = client.uploadToGroup("g2", other);

        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> hasObject("caravan/" + earlyId) && hasObject("caravan/" + lateId)),
                "both g1 files mirrored");
        assertArrayEquals(early, object("caravan/" + earlyId));
        assertArrayEquals(late, object("caravan/" + lateId));
        // camel-minio 4.18 sends the content type as user metadata (x-amz-meta-content-type), not as the object's own
        var stat = s3.statObject(StatObjectArgs.builder().bucket("mirror").object("caravan/" + lateId).build());
        assertEquals("video/mp4", stat.userMetadata().get("content-type"), stat.userMetadata() + " / " + stat.contentType());

        assertEquals(204, client.send("DELETE", "/files/" + earlyId, HttpRequest.BodyPublishers.noBody(),
                "Authorization", "Bearer " + TestClient.KEY).statusCode());
        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> !hasObject("caravan/" + earlyId)), "a deleted file's object goes");
        assertTrue(hasObject("caravan/" + lateId));
        assertFalse(hasObject("caravan/" + otherId), "g2 is not mirrored");
        assertEquals(List.of(), TestClient.records(KAFKA_PORT, "caravan.files.dlq").stream().map(rec -> rec.value()).toList(),
                "no event was dead-lettered");
    }
}
