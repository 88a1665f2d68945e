package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The extension folder of a running Caravan (the whole pipeline in one Camel context): route files dropped in,
 * changed, broken and removed while it runs, and the upload hooks they bring, checked by their effect on
 * uploads, on the nodes' files and on {@code GET /admin/extensions}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + ExtensionsIT.DATA,
            "caravan.http.port=" + ExtensionsIT.PORT,
            "caravan.kafka.embedded.port=" + ExtensionsIT.KAFKA_PORT,
            "caravan.extensions.dir=" + ExtensionsIT.DATA + "/extensions",
            "caravan.hooks.timeout=1s"
        })
class ExtensionsIT {

    static final String DATA = "target/it/extensions";
    static final int PORT = 18480;
    static final int KAFKA_PORT = 19492;
    static final Path DATA_DIR = TestClient.freshDir(DATA);
    static final Path FOLDER = DATA_DIR.resolve("extensions");

    private final TestClient client = new TestClient(PORT);

    @BeanInject
    CamelContext context;

    private List<String> routeIds() {
        return context.getRoutes().stream().map(Route::getRouteId).toList();
    }

    /** A policy: names ending in .exe are refused with 415 before the body is read. */
    static final String NO_EXE = """
            - route:
                id: no-exe
                from:
                  uri: direct:before-upload
                  steps:
                    - filter:
                        simple: "${header.CaravanFileName} endsWith '.exe'"
                        steps:
                          - setHeader:
                              name: CaravanRejectReason
                              constant: "executables are not accepted here"
                          - setHeader:
                              name: CaravanRejectStatus
                              constant: 415
            """;

    /** A policy: more than 1000 bytes are refused with 413, once the bytes are counted. */
    static final String SIZE_LIMIT = """
            - route:
                id: size-limit
                from:
                  uri: direct:before-commit
                  steps:
                    - filter:
                        simple: "${header.CaravanSize} > 1000"
                        steps:
                          - setHeader:
                              name: CaravanRejectReason
                              simple: "${header.CaravanSize} bytes is over the 1000-byte limit"
                          - setHeader:
                              name: CaravanRejectStatus
                              constant: 413
            """;

    /** The stored copies on the nodes (not the tracker's probe objects), once replication has settled. */
    private static long storedCopies() throws Exception {
        long before = -1;
        for (int i = 0; i < 50; i++) {
            long now = TestClient.nodeFiles(DATA_DIR).stream()
                    .filter(p -> !p.getFileName().toString().startsWith("caravan-probe-") && !p.toString().contains("/.tmp/")).count();
            if (now == before) {
                return now;
            }
            before = now;
            Thread.sleep(300);
        }
        throw new AssertionError("the nodes' files did not settle");
    }

    private Map<String, Object> extension(String file) throws Exception {
        HttpResponse<byte[]> r = client.get("/admin/extensions", "Authorization", "Bearer " + TestClient.KEY);
        assertEquals(200, r.statusCode());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) json(r).get("extensions");
        return all.stream().filter(e -> file.equals(e.get("file"))).findFirst().orElse(Map.of());
    }

    private void awaitState(String file, String state) throws Exception {
        assertTrue(TestClient.eventually(Duration.ofSeconds(5), () -> {
            try {
                return state.equals(extension(file).get("state"));
            } catch (Exception e) {
                return false;
            }
        }), file + " not " + state + " within 5 s: " + extension(file));
    }

    @Test
    void should_apply_hooks_dropped_in_while_it_runs_and_refuse_what_does_not_parse() throws Exception {
        Files.writeString(FOLDER.resolve("no-exe.camel.yaml"), NO_EXE);
        Files.writeString(FOLDER.resolve("size-limit.camel.yaml"), SIZE_LIMIT);
        awaitState("no-exe.camel.yaml", "RUNNING");
        awaitState("size-limit.camel.yaml", "RUNNING");
        assertEquals(List.of("no-exe"), extension("no-exe.camel.yaml").get("routes"));
        long filesBefore = storedCopies();

        HttpResponse<byte[]> exe = client.upload("MZ...".getBytes(), "setup.exe", "application/octet-stream");
        assertEquals(415, exe.statusCode());
        assertEquals(Map.of("error", "executables are not accepted here", "status", 415), json(exe));

        HttpResponse<byte[]> big = client.upload(new byte[2000], "big.bin", "application/octet-stream");
        assertEquals(413, big.statusCode());
        assertEquals("2000 bytes is over the 1000-byte limit", json(big).get("error"));
        assertEquals(filesBefore, storedCopies(), "nothing of a refused upload is stored");

        HttpResponse<byte[]> ok = client.upload(new byte[500], "small.bin", "application/octet-stream");
        assertEquals(201, ok.statusCode(), new String(ok.body(), StandardCharsets.UTF_8));

        // a client that waits for 100 Continue hears the refusal instead, and never sends its body
        try (Socket s = new Socket("127.0.0.1", PORT)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /files?name=later.exe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TestClient.KEY
                    + "\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 415", head, "the first thing the client hears is the refusal, not 100 Continue");
        }

        // a broken version of a running file: refused, the running version stays
        Files.writeString(FOLDER.resolve("no-exe.camel.yaml"), NO_EXE.replace("uri: direct:before-upload", "uri: [broken"));
        Files.writeString(FOLDER.resolve("broken.camel.yaml"), "- route:\n    id: broken\n    from:\n      urr: nowhere\n");
        awaitState("broken.camel.yaml", "REFUSED");
        assertTrue(TestClient.eventually(Duration.ofSeconds(5), () -> {
            try {
                return extension("no-exe.camel.yaml").get("error") != null;
            } catch (Exception e) {
                return false;
            }
        }));
        assertEquals("RUNNING", extension("no-exe.camel.yaml").get("state"));
        assertTrue(((String) extension("broken.camel.yaml").get("error")).length() > 10, extension("broken.camel.yaml").toString());
        assertEquals(415, client.upload("MZ".getBytes(), "again.exe", "application/octet-stream").statusCode(), "the running hook still refuses");
        assertEquals(200, client.get("/health").statusCode(), "Caravan stays healthy");

        // removed: the hook is gone, the upload goes through
        Files.delete(FOLDER.resolve("no-exe.camel.yaml"));
        awaitState("no-exe.camel.yaml", "REMOVED");
        assertEquals(201, client.upload("MZ".getBytes(), "tool.exe", "application/octet-stream").statusCode());
        assertFalse(extension("size-limit.camel.yaml").isEmpty());
    }

    @Test
    void should_fail_an_upload_whose_hook_does_not_answer_and_store_nothing() throws Exception {
        Files.writeString(FOLDER.resolve("slow.camel.yaml"), """
                - route:
                    id: slow-policy
                    from:
                      uri: direct:before-upload
                      steps:
                        - delay:
                            constant: 3000
                """);
        awaitState("slow.camel.yaml", "RUNNING");
        try {
            long filesBefore = storedCopies();
            HttpResponse<byte[]> r = client.send("POST", "/files?name=late.bin", HttpRequest.BodyPublishers.ofByteArray(new byte[10]),
                    "Authorization", "Bearer " + TestClient.KEY);
            assertEquals(503, r.statusCode());
            assertEquals("upload hook before-upload did not answer in time", json(r).get("error"));
            assertEquals(filesBefore, storedCopies());
        } finally {
            Files.delete(FOLDER.resolve("slow.camel.yaml"));
            awaitState("slow.camel.yaml", "REMOVED");
        }
    }

    @Test
    void should_stop_the_kamelet_routes_of_an_extension_with_its_file() throws Exception {
        List<String> before = routeIds(); // Caravan's own hls-package route uses the Kamelet too
        client.dropRecipe(FOLDER, "print-events");
        assertTrue(routeIds().contains("print-events"));
        List<String> kamelets = routeIds().stream().filter(id -> id.startsWith("caravan-events-source") && !before.contains(id)).toList();
        assertEquals(1, kamelets.size(), "the events Kamelet runs as a route of its own: " + routeIds());

        Files.delete(FOLDER.resolve("print-events.camel.yaml"));
        assertTrue(TestClient.eventually(Duration.ofSeconds(10), () -> !routeIds().contains("print-events")
                && routeIds().stream().noneMatch(kamelets::contains)), "both stopped and removed: " + routeIds());
        assertTrue(routeIds().contains("upload") && routeIds().contains("extension-dead-letter"), "Caravan's own routes run on");
    }
}
