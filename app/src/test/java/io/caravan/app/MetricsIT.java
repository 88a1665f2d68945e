package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /metrics} read by a strict Prometheus text parser: uploads, GETs by transport and HTTP requests count
 * up; a disk node that goes away shows OFFLINE with its replication lag growing in events and seconds, and ACTIVE
 * with no lag once it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + MetricsIT.DATA,
            "caravan.http.port=" + MetricsIT.PORT,
            "caravan.kafka.embedded.port=19892",
            "caravan.tracker.heartbeat-interval=500ms",
            "caravan.tracker.offline-after=3",
            "caravan.metrics.sample-interval=1s",
            "caravan.metrics.routes=true"
        })
class MetricsIT {

    static final String DATA = "target/it/metrics";
    static final int PORT = 18880;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(18);

    private PrometheusText scrape() throws Exception {
        HttpResponse<byte[]> r = client.get("/metrics");
        assertEquals(200, r.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
        return PrometheusText.parse(new String(r.body(), StandardCharsets.UTF_8));
    }

    private static Map<String, String> node(String name) {
        return Map.of("node", name);
    }

    private double state(PrometheusText m, String node, String state) {
        return m.value("caravan_node_state", Map.of("node", node, "group", "g1", "state", state));
    }

    private byte[] bytes() {
        byte[] b = new byte[10_000 + random.nextInt(50_000)];
        random.nextBytes(b);
        return b;
    }

    @Test
    void should_count_uploads_gets_and_requests_and_show_a_node_offline_with_its_lag_and_back() throws Exception {
        PrometheusText before = scrape();
        byte[] b = bytes();
        String id = client.uploadToGroup("g1", b);
        assertEquals(sha256(b), sha256(client.get("/files/" + id).body()));
        PrometheusText m = scrape();
        assertEquals(1.0, m.value("caravan_uploads_total", Map.of("group", "g1")) - before.sum("caravan_uploads_total", Map.of("group", "g1")));
        assertEquals(b.length, m.value("caravan_upload_bytes_total", Map.of("group", "g1"))
                - before.sum("caravan_upload_bytes_total", Map.of("group", "g1")));
        assertEquals(1.0, m.sum("caravan_gets_total", Map.of("transport", "sendfile")) - before.sum("caravan_gets_total", Map.of("transport", "sendfile")));
        assertEquals(b.length, m.sum("caravan_get_bytes_total", Map.of("transport", "sendfile"))
                - before.sum("caravan_get_bytes_total", Map.of("transport", "sendfile")));
        Map<String, String> uploads201 = Map.of("route", "upload", "status", "201");
        assertEquals(1.0, m.value("caravan_http_requests_seconds_count", uploads201) - before.sum("caravan_http_requests_seconds_count", uploads201));
        assertEquals(m.value("caravan_http_requests_seconds_count", uploads201),
                m.value("caravan_http_requests_seconds_bucket", Map.of("route", "upload", "status", "201", "le", "+Inf")));
        assertEquals("histogram", m.types.get("caravan_http_requests_seconds"));
        assertTrue(m.sum("caravan_http_requests_seconds_count", Map.of("route", "metrics", "status", "200")) >= 1, "its own scrapes");
        assertEquals(1.0, state(m, "g1-b", "ACTIVE"));
        assertEquals(0.0, state(m, "g1-b", "OFFLINE"));
        assertTrue(m.value("caravan_node_free_bytes", node("g1-b")) > 0);
        assertTrue(m.value("jvm_memory_used_bytes", Map.of("area", "heap", "id", "G1 Eden Space")) >= 0
                || m.sum("jvm_memory_used_bytes", Map.of("area", "heap")) > 0, "JVM meters");
        assertTrue(m.sum("process_cpu_usage", Map.of()) >= 0 && m.types.containsKey("process_uptime_seconds"), "process meters");
        assertTrue(m.types.keySet().stream().anyMatch(t -> t.startsWith("camel_exchanges")), () -> "Camel's route meters: " + m.types.keySet());
        assertEquals(0.0, m.value("caravan_live_streams", Map.of()));
        // every copy made, so that g1-a needs nothing from g1-b while it is away
        assertTrue(eventually(Duration.ofSeconds(10), () -> client.verifiedReplicas(id) == 2));
        assertTrue(eventually(Duration.ofSeconds(15), () -> lagEvents("g1-b") == 0.0 && lagEvents("g1-a") == 0.0));

        // the disk goes away: OFFLINE within the heartbeats, and the events it misses pile up, in count and age
        Path dir = DATA_DIR.resolve("nodes/g1-b");
        Path away = DATA_DIR.resolve("nodes/g1-b.away");
        Files.move(dir, away);
        Files.writeString(dir, "not a directory");
        assertTrue(eventually(Duration.ofSeconds(5), () -> metric(x -> state(x, "g1-b", "OFFLINE")) == 1.0), "OFFLINE in /metrics");
        PrometheusText offline = scrape();
        assertEquals(0.0, state(offline, "g1-b", "ACTIVE"));
        assertEquals(1.0, state(offline, "g1-a", "ACTIVE"), "the other node is unaffected");
        for (int i = 0; i < 5; i++) {
            client.uploadToGroup("g1", bytes());
        }
        assertTrue(eventually(Duration.ofSeconds(10), () -> lagEvents("g1-b") >= 5), "five events behind");
        Thread.sleep(2_000);
        double seconds = metric(x -> x.value("caravan_replication_lag_seconds", node("g1-b")));
        assertTrue(seconds >= 1.5 && seconds < 60, "lag seconds grow while it is away: " + seconds);
        assertTrue(eventually(Duration.ofSeconds(10), () -> lagEvents("g1-a") == 0.0
                && metric(x -> x.value("caravan_replication_lag_seconds", node("g1-a"))) == 0.0), "g1-a keeps up meanwhile");

        // back: SYNCING, caught up, ACTIVE, no lag
        Files.delete(dir);
        Files.move(away, dir);
        assertTrue(eventually(Duration.ofSeconds(60), () -> metric(x -> state(x, "g1-b", "ACTIVE")) == 1.0), "ACTIVE again");
        assertTrue(eventually(Duration.ofSeconds(10), () -> lagEvents("g1-b") == 0.0));
        assertEquals(0.0, metric(x -> x.value("caravan_replication_lag_seconds", node("g1-b"))));
        assertEquals(0.0, metric(x -> state(x, "g1-b", "OFFLINE")));
    }

    @Test
    void should_graph_in_the_dashboard_only_series_that_caravan_exposes() throws Exception {
        String id = client.uploadToGroup("g1", bytes());
        client.get("/files/" + id);
        PrometheusText m = scrape();
        java.util.Set<String> exposed = new java.util.HashSet<>();
        m.samples.forEach(x -> exposed.add(x.name()));
        String dashboard = Files.readString(Path.of("compose/grafana/dashboards/caravan.json"));
        com.fasterxml.jackson.databind.JsonNode panels = TestClient.JSON.readTree(dashboard).path("panels");
        assertTrue(panels.size() >= 8, "upload and GET rates, bytes, errors, latency, lag, node states");
        java.util.regex.Matcher names = java.util.regex.Pattern.compile("caravan_[a-z_]+").matcher(dashboard);
        java.util.Set<String> used = new java.util.TreeSet<>();
        while (names.find()) {
            used.add(names.group());
        }
        assertTrue(used.size() >= 8, used.toString());
        for (String name : used) {
            assertTrue(exposed.contains(name), name + " is graphed but not in /metrics");
        }
        assertTrue(Files.readString(Path.of("compose/prometheus.yml")).contains("metrics_path: /metrics"));
    }

    @Test
    void should_draw_the_last_minutes_of_rates_and_lag_on_the_status_page() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Browser.installed(), "chromium and chromedriver not installed");
        for (int i = 0; i < 15; i++) {
            String id = client.uploadToGroup("g1", bytes());
            client.get("/files/" + id);
            Thread.sleep(100);
        }
        Thread.sleep(1_500); // a sample after the uploads
        com.fasterxml.jackson.databind.JsonNode recent = TestClient.JSON.readTree(client.get("/metrics/recent").body());
        assertTrue(recent.path("t").size() >= 2, recent.toString());
        double peak = 0;
        for (com.fasterxml.jackson.databind.JsonNode v : recent.path("uploads")) {
            peak = Math.max(peak, v.asDouble());
        }
        assertTrue(peak > 0, "an upload rate was sampled: " + recent);
        assertTrue(recent.path("lag").has("g1-a") && recent.path("lag").has("g1-b"), recent.toString());

        org.openqa.selenium.chrome.ChromeDriver driver = Browser.start(DATA_DIR);
        try {
            driver.get(client.base + "/ui/cluster");
            org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(20));
            wait.until(d -> Boolean.TRUE.equals(driver.executeScript(
                    "return !!(window.charts && window.charts['chart-uploads'] && window.charts['chart-lag'])")));
            @SuppressWarnings("unchecked")
            Map<String, Object> uploads = (Map<String, Object>) driver.executeScript("return window.charts['chart-uploads']");
            assertTrue(((Number) uploads.get("points")).intValue() >= 2, uploads.toString());
            assertTrue(((Number) uploads.get("max")).doubleValue() > 0, "the upload rate is drawn above zero: " + uploads);
            @SuppressWarnings("unchecked")
            java.util.List<String> lagSeries = (java.util.List<String>) driver.executeScript("return window.charts['chart-lag'].series");
            assertTrue(lagSeries.containsAll(java.util.List.of("g1-a", "g1-b", "g2-a", "g2-b")), lagSeries.toString());
            // three canvases with lines on them: pixels that are not the white background, not an empty frame
            Number drawn = (Number) driver.executeScript(
                    "const cs = [...document.querySelectorAll('#charts canvas')];"
                    + "if (cs.length < 3) return -cs.length;"
                    + "let min = Infinity;"
                    + "for (const c of cs) {"
                    + "  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                    + "  let n = 0;"
                    + "  for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200)) n++;"
                    + "  min = Math.min(min, n);"
                    + "}"
                    + "return min;");
            assertTrue(drawn.intValue() > 100, "every chart has its axes and lines drawn: " + drawn);
        } finally {
            driver.quit();
        }
    }

    @Test
    void should_answer_the_scrape_without_a_key_and_count_a_scrub() throws Exception {
        HttpResponse<byte[]> noKey = client.get("/metrics");
        assertEquals(200, noKey.statusCode());
        HttpResponse<byte[]> scrub = client.send("POST", "/admin/scrub", HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + KEY);
        assertEquals(200, scrub.statusCode());
        long checked = ((Number) TestClient.json(scrub).get("checked")).longValue();
        PrometheusText m = scrape();
        assertTrue(m.value("caravan_scrub_runs_total", Map.of()) >= 1);
        assertTrue(m.value("caravan_scrub_checked_total", Map.of()) >= checked);
    }

    private double lagEvents(String node) {
        return metric(x -> x.value("caravan_replication_lag_events", node(node)));
    }

    private double metric(java.util.function.ToDoubleFunction<PrometheusText> read) {
        try {
            return read.applyAsDouble(scrape());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
