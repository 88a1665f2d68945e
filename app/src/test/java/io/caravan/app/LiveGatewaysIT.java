package io.caravan.app;

import static io.caravan.app.TestClient.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * A live stream on two gateway processes sharing one PostgreSQL and one Kafka broker: an encoder pushes to the
 * first, players on the second get the same playlist and segments during the push, and when the encoder
 * reconnects to the second gateway the stream goes on in the same session and is recorded whole.
 */
class LiveGatewaysIT {

    private static List<String> segments(String playlist) {
        return playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }

    private static String playlist(TestClient gw, String stream) throws Exception {
        HttpResponse<byte[]> r = gw.get("/live/" + stream + "/index.m3u8");
        return r.statusCode() == 200 ? new String(r.body(), StandardCharsets.UTF_8) : "";
    }

    /**
     * ffmpeg pushing {@code input} from {@code from} seconds for {@code seconds} (timestamps kept, so a second push
     * goes on where the first stopped), numbering its segments from {@code startNumber}; {@code last}: with ENDLIST.
     */
    private static Process push(Path input, int from, int seconds, TestClient gw, String stream, int startNumber, boolean last, Path log)
            throws Exception {
        List<String> c = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-ss", String.valueOf(from),
                "-t", String.valueOf(seconds), "-i", input.toString(), "-copyts",
                "-c", "copy", "-f", "hls", "-hls_time", "2", "-hls_list_size", "6",
                "-hls_flags", "delete_segments+program_date_time" + (last ? "" : "+omit_endlist"),
                "-start_number", String.valueOf(startNumber), "-method", "PUT", "-http_persistent", "1",
                "-headers", "Authorization: Bearer " + TestClient.KEY + "\r\n", gw.base + "/live/" + stream + "/index.m3u8"));
        return new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void should_serve_a_stream_pushed_to_one_gateway_from_the_other_and_go_on_when_the_encoder_moves() throws Exception {
        String pgUrl = System.getenv("CARAVAN_TEST_PG_URL");
        assumeTrue(pgUrl != null && !pgUrl.isBlank(), "CARAVAN_TEST_PG_URL not set: no PostgreSQL to test against");
        String pgUser = System.getenv("CARAVAN_TEST_PG_USER");
        String pgPassword = System.getenv("CARAVAN_TEST_PG_PASSWORD");
        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        Path data = TestClient.freshDir("target/it/live-gateways");
        // a 12 s source (2 s GOP): the encoder pushes its first half to gateway a, loses it, pushes the rest to b
        Path source = data.resolve("source.mp4");
        MediaTool.ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=12", "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", source.toString());
        int kafka = 19682;
        Process broker = BrokerProcess.start(data.resolve("broker"), kafka, data.resolve("broker.log"));
        int[] ports = {19680, 19681};
        Map<String, String> shared = new HashMap<>(Map.of(
                "CARAVAN_DATA_DIR", data.toString(),
                "CARAVAN_KAFKA_BOOTSTRAP", "127.0.0.1:" + kafka,
                "CARAVAN_DB_URL", pgUrl, "CARAVAN_DB_USER", pgUser, "CARAVAN_DB_PASSWORD", pgPassword));
        Map<String, String> envA = new HashMap<>(shared);
        envA.put("CARAVAN_HTTP_PORT", String.valueOf(ports[0]));
        envA.put("CARAVAN_GATEWAY_ID", "gw-a");
        Map<String, String> envB = new HashMap<>(shared);
        envB.put("CARAVAN_HTTP_PORT", String.valueOf(ports[1]));
        envB.put("CARAVAN_GATEWAY_ID", "gw-b");
        try (CaravanProcess a = new CaravanProcess(envA, List.of(), data.resolve("gw-a.log"));
             CaravanProcess b = new CaravanProcess(envB, List.of(), data.resolve("gw-b.log"))) {
            a.start(ports[0]);
            b.start(ports[1]);
            TestClient gwA = new TestClient(ports[0]);
            TestClient gwB = new TestClient(ports[1]);

            Process encoder = push(source, 0, 6, gwA, "moving", 0, false, data.resolve("push-a.log"));
            assertTrue(eventually(Duration.ofSeconds(20), () -> {
                try {
                    return segments(playlist(gwB, "moving")).size() >= 2;
                } catch (Exception e) {
                    return false;
                }
            }), "gateway b lists the segments pushed to a: " + playlist(gwB, "moving"));
            // the same playlist and the same bytes on both gateways (b may list fewer for a moment, never others)
            List<String> onB = segments(playlist(gwB, "moving"));
            assertTrue(segments(playlist(gwA, "moving")).containsAll(onB.subList(0, onB.size() - 1)));
            for (String seg : onB) {
                HttpResponse<byte[]> fromB = gwB.get("/live/moving/" + seg);
                assertEquals(200, fromB.statusCode(), seg);
                assertArrayEquals(gwA.get("/live/moving/" + seg).body(), fromB.body(), seg + " is the same on both gateways");
            }
            JsonNode probe = MediaTool.probe(gwB.base + "/live/moving/index.m3u8");
            assertEquals(2, probe.path("streams").size(), "ffprobe plays the live playlist from gateway b: " + probe);
            assertTrue(encoder.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, encoder.exitValue());
            long session = TestClient.JSON.readTree(gwB.get("/live/moving").body()).path("session").asLong();

            // the encoder reconnects to gateway b within caravan.live.idle-timeout, numbering on (-start_number 3):
            // the same stream, the same session
            Process again = push(source, 6, 6, gwB, "moving", 3, true, data.resolve("push-b.log"));
            assertTrue(again.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, again.exitValue());
            assertTrue(eventually(Duration.ofSeconds(60), () -> {
                try {
                    return "RECORDED".equals(TestClient.JSON.readTree(gwA.get("/live/moving").body()).path("recordingState").asText());
                } catch (Exception e) {
                    return false;
                }
            }), "recorded: " + new String(gwA.get("/live/moving").body(), StandardCharsets.UTF_8));
            JsonNode state = TestClient.JSON.readTree(gwA.get("/live/moving").body());
            assertEquals(session, state.path("session").asLong(), "one session across both gateways: " + state);
            // 3 segments from each push (-t 6 may cut a last sliver of a frame or two into a segment of its own)
            assertTrue(state.path("segments").asInt() >= 6, state.toString());
            String recording = state.path("recording").asText();
            double duration = MediaTool.probe(gwB.base + "/files/" + recording).path("format").path("duration").asDouble();
            assertEquals(12.0, duration, 0.5, "the recording holds both halves");
            // no 1 MiB body limit for live files: a 5 MiB segment, chunked as ffmpeg sends it, is taken and served whole
            byte[] big = new byte[5 * 1024 * 1024];
            new java.util.Random(17).nextBytes(big);
            big[0] = 0x47; // an MPEG-TS sync byte: its content is not checked
            HttpResponse<byte[]> put = gwA.send("PUT", "/live/big/seg0.ts",
                    java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)),
                    "Authorization", "Bearer " + TestClient.KEY);
            assertEquals(201, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
            assertArrayEquals(big, gwB.get("/live/big/seg0.ts").body(), "the 5 MiB segment, from the other gateway");
            a.stop();
            b.stop();
        } finally {
            BrokerProcess.stop(broker);
        }
    }
}
