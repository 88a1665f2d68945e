package io.caravan.app;

import static io.caravan.app.TestClient.KEY;
import static io.caravan.app.TestClient.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.processors.netty.CaravanHttpComponent;
import io.caravan.processors.netty.CaravanHttpDispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.BeanInject;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP edge on a raw socket, as clients that curl and the JDK's client never are: {@code Expect: 100-continue}
 * refused before any body is asked for, a client that half-closes after its request (upload or GET) still answered,
 * one that half-closes mid-body refused with nothing stored, and methods no route answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + HttpEdgeIT.DATA,
            "caravan.http.port=" + HttpEdgeIT.PORT,
            "caravan.kafka.embedded.port=19992"
        })
class HttpEdgeIT {

    static final String DATA = "target/it/edge";
    static final int PORT = 18890;
    static final java.nio.file.Path DATA_DIR = TestClient.freshDir(DATA);

    private final TestClient client = new TestClient(PORT);
    private final Random random = new Random(100);

    @BeanInject
    CamelContext context;

    /** A response read off the socket: status, headers (lower-case names) and body. */
    private record Raw(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", PORT);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void send(Socket s, String head) throws IOException {
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** One response: the status line, headers, and a body of Content-Length bytes or chunked. */
    private static Raw read(InputStream in) throws IOException {
        return read(in, false);
    }

    /** One response; to a HEAD ({@code head}) its header fields only, whatever Content-Length says. */
    private static Raw read(InputStream in, boolean head) throws IOException {
        String status = line(in);
        Matcher m = Pattern.compile("HTTP/1\\.1 (\\d{3}) .*").matcher(status);
        assertTrue(m.matches(), "a status line: " + status);
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(), h.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head) {
            return new Raw(Integer.parseInt(m.group(1)), headers, body.toByteArray());
        }
        if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int n = Integer.parseInt(line(in).trim(), 16); n > 0; n = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(n));
                line(in);
            }
            line(in);
        }
        return new Raw(Integer.parseInt(m.group(1)), headers, body.toByteArray());
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-line: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** Whether the server closes the connection now: the next read is the end of the stream. */
    private static boolean closedByServer(InputStream in) throws IOException {
        return in.read() == -1;
    }

    private String upload(String query, String key) {
        return "POST /files?" + query + " HTTP/1.1\r\nHost: caravan\r\nAuthorization: Bearer " + key + "\r\n";
    }

    private long storedCopies() throws IOException {
        return TestClient.nodeFiles(DATA_DIR).size();
    }

    /** The copies on the nodes once replication of earlier uploads has settled (the count holds for a second). */
    private long settledCopies() throws Exception {
        long last = -1;
        for (int i = 0; i < 40; i++) {
            long now = storedCopies();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(1_000);
        }
        return last;
    }

    @Test
    void should_answer_100_continue_only_after_the_key_and_the_group_are_accepted() throws Exception {
        long before = settledCopies();
        try (Socket s = open()) {
            send(s, upload("name=a.bin", "wrong-key") + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
            Raw r = read(s.getInputStream());
            assertEquals(401, r.status(), "the first thing the client hears is the refusal: " + r.text());
            assertEquals(401, ((Number) new ObjectMapper().readValue(r.body(), Map.class).get("status")).intValue());
            assertTrue(closedByServer(s.getInputStream()), "the body it never sent is not waited for");
        }
        try (Socket s = open()) {
            send(s, upload("name=a.bin&group=g9", KEY) + "Content-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
            Raw r = read(s.getInputStream());
            assertEquals(400, r.status(), r.text());
            assertTrue(r.text().contains("unknown group: g9"), r.text());
        }
        assertEquals(before, settledCopies(), "nothing stored");

        byte[] body = new byte[100_000];
        random.nextBytes(body);
        try (Socket s = open()) {
            send(s, upload("name=a.bin&group=g1", KEY) + "Content-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n");
            InputStream in = s.getInputStream();
            Raw cont = read(in);
            assertEquals(100, cont.status(), "accepted: now the body");
            s.getOutputStream().write(body);
            Raw created = read(in);
            assertEquals(201, created.status(), created.text());
            String id = (String) new ObjectMapper().readValue(created.body(), Map.class).get("id");
            assertEquals(sha256(body), sha256(client.get("/files/" + id).body()));
        }
    }

    @Test
    void should_answer_a_client_that_half_closes_after_its_upload_or_its_get() throws Exception {
        byte[] body = new byte[300_000];
        random.nextBytes(body);
        String id;
        try (Socket s = open()) {
            send(s, upload("name=half.bin&group=g1", KEY) + "Content-Length: " + body.length + "\r\n\r\n");
            s.getOutputStream().write(body);
            s.shutdownOutput(); // nc -N: the request is all there is
            Raw r = read(s.getInputStream());
            assertEquals(201, r.status(), r.text());
            assertEquals("close", r.headers().get("connection"));
            assertTrue(closedByServer(s.getInputStream()), "then the connection closes");
            id = (String) new ObjectMapper().readValue(r.body(), Map.class).get("id");
        }
        assertEquals(sha256(body), sha256(client.get("/files/" + id).body()));

        try (Socket s = open()) { // chunked, as a proxy may send it
            OutputStream out = s.getOutputStream();
            send(s, upload("name=half-chunked.bin&group=g1", KEY) + "Transfer-Encoding: chunked\r\n\r\n");
            out.write(("10000\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 0x10000);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            Raw r = read(s.getInputStream());
            assertEquals(201, r.status(), r.text());
            assertEquals(0x10000, ((Number) new ObjectMapper().readValue(r.body(), Map.class).get("size")).intValue());
            assertTrue(closedByServer(s.getInputStream()));
        }

        try (Socket s = open()) { // a GET, sent zero-copy
            send(s, "GET /files/" + id + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
            s.shutdownOutput();
            Raw r = read(s.getInputStream());
            assertEquals(200, r.status());
            assertEquals(sha256(body), sha256(r.body()));
            assertTrue(closedByServer(s.getInputStream()));
        }

        try (Socket s = open()) { // answered first, half-closed afterwards: closed without a word more
            send(s, "GET /health HTTP/1.1\r\nHost: caravan\r\n\r\n");
            assertEquals(200, read(s.getInputStream()).status());
            s.shutdownOutput();
            assertTrue(closedByServer(s.getInputStream()));
        }
    }

    @Test
    void should_refuse_an_upload_whose_client_stops_sending_mid_body_and_store_nothing() throws Exception {
        long before = settledCopies();
        try (Socket s = open()) {
            send(s, upload("name=cut.bin&group=g1", KEY) + "Content-Length: 200000\r\n\r\n");
            s.getOutputStream().write(new byte[50_000]);
            s.shutdownOutput();
            Raw r = read(s.getInputStream());
            assertEquals(400, r.status(), r.text());
            assertTrue(r.text().contains("upload interrupted"), r.text());
        }
        assertEquals(before, settledCopies(), "nothing of it is stored");
        HttpResponse<byte[]> search = client.get("/files?q=cut.bin", "Authorization", "Bearer " + KEY);
        assertEquals(0, TestClient.JSON.readTree(search.body()).path("files").size(), "nor listed");
    }

    @Test
    void should_answer_405_with_allow_for_a_known_path_and_501_for_an_unknown_method() throws Exception {
        String id = client.uploadToGroup("g1", "x".getBytes());
        try (Socket s = open()) {
            send(s, "PATCH /files/" + id + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
            Raw r = read(s.getInputStream());
            assertEquals(405, r.status(), r.text());
            String allow = r.headers().get("allow");
            assertTrue(allow.contains("GET") && allow.contains("HEAD") && allow.contains("DELETE"), allow);
            assertEquals(405, ((Number) new ObjectMapper().readValue(r.body(), Map.class).get("status")).intValue());

            send(s, "PUT /cluster HTTP/1.1\r\nHost: caravan\r\nContent-Length: 0\r\n\r\n"); // the same connection
            Raw put = read(s.getInputStream());
            assertEquals(405, put.status());
            assertEquals("GET, HEAD", put.headers().get("allow"));

            send(s, "BREW /files/" + id + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
            Raw brew = read(s.getInputStream());
            assertEquals(501, brew.status(), brew.text());

            send(s, "GET /no/such/path HTTP/1.1\r\nHost: caravan\r\n\r\n");
            assertEquals(404, read(s.getInputStream()).status());
        }
        assertEquals(200, client.get("/files/" + id).statusCode(), "the file is untouched");
        // these answers came through Caravan's dispatcher, which holds every HTTP route on the port
        NettyHttpComponent http = context.getComponent("netty-http", NettyHttpComponent.class);
        assertEquals(CaravanHttpComponent.class, http.getClass());
        long routes = context.getRoutes().stream().filter(r -> r.getEndpoint() instanceof NettyHttpEndpoint e
                && e.getConfiguration().getPort() == PORT).count();
        assertTrue(routes > 30, routes + " routes");
        assertEquals(routes, http.getMultiplexChannelHandler(PORT).consumers());
        assertEquals(CaravanHttpDispatcher.class, http.getMultiplexChannelHandler(PORT).getClass());
    }

    @Test
    void should_answer_head_on_every_get_endpoint_with_the_get_header_fields_and_no_body() throws Exception {
        try (Socket s = open()) {
            InputStream in = s.getInputStream();
            for (String path : new String[] {"/ui", "/ui/hls.min.js", "/health"}) { // the same bytes every time
                send(s, "GET " + path + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
                Raw get = read(in);
                assertEquals(200, get.status(), path);
                send(s, "HEAD " + path + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
                Raw head = read(in, true);
                assertEquals(200, head.status(), path);
                assertEquals(String.valueOf(get.body().length), head.headers().get("content-length"), path);
                assertEquals(get.headers().get("content-type"), head.headers().get("content-type"), path);
            }
            for (String path : new String[] {"/cluster", "/metrics", "/metrics/recent"}) {
                send(s, "HEAD " + path + " HTTP/1.1\r\nHost: caravan\r\n\r\n");
                Raw head = read(in, true);
                assertEquals(200, head.status(), path + " " + head.headers());
                assertTrue(Integer.parseInt(head.headers().get("content-length")) > 0, path + " " + head.headers());
            }
            // no body came after any HEAD: the next answer on the same connection starts right where the headers ended
            send(s, "GET /health HTTP/1.1\r\nHost: caravan\r\n\r\n");
            Raw health = read(in);
            assertEquals(200, health.status());
            assertEquals("UP", new ObjectMapper().readValue(health.body(), Map.class).get("status"), health.text());
            assertEquals(0, in.available(), "nothing more on the connection");
        }
    }
}
