package io.caravan.processors.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpRelay} through {@link ZeroCopyEncoder} on a real Netty server, relaying from a JDK HTTP server that
 * plays the S3 node: exact bytes for ranges, a JSON 503 when the source answers wrongly, a closed connection
 * when it stops half-way, and responses queued behind a relay on the same connection.
 */
class HttpRelayTest {

    private static final byte[] OBJECT = new byte[3 * 1024 * 1024 + 17];
    /** The relay's stall timeout here (30 s by default), so that the silent source is given up within a second. */
    private static final long STALL_MS = 300;
    private static HttpServer source;
    private static NioEventLoopGroup group;
    private static Channel server;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        new Random(7).nextBytes(OBJECT);
        source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.createContext("/ok", HttpRelayTest::ranged);
        source.createContext("/whole", ex -> send(ex, 200, OBJECT, 0, OBJECT.length, OBJECT.length));
        source.createContext("/missing", ex -> send(ex, 404, "<Error><Code>NoSuchKey</Code></Error>".getBytes(), 0, 38, 38));
        source.start();

        group = new NioEventLoopGroup(1);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new ZeroCopyEncoder(Duration.ofMillis(STALL_MS)).newChannelHandler(), new Gateway());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().sync();
        group.shutdownGracefully().sync();
        source.stop(0);
    }

    @Test
    void should_relay_the_whole_object_and_single_ranges_byte_exact() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (long[] r : new long[][] {{0, OBJECT.length}, {0, 1}, {OBJECT.length - 1, 1}, {123_457, 2_000_001}}) {
            HttpResponse<byte[]> got = http.send(get("/ok", r[0], r[1]), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(206, got.statusCode());
            assertEquals(String.valueOf(r[1]), got.headers().firstValue("Content-Length").orElseThrow());
            assertEquals(sha256(Arrays.copyOfRange(OBJECT, (int) r[0], (int) (r[0] + r[1]))), sha256(got.body()),
                    "range at " + r[0] + " of " + r[1]);
        }
    }

    @Test
    void should_accept_a_whole_object_answer_only_for_a_range_that_is_the_whole_object() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> whole = http.send(get("/whole", 0, OBJECT.length), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, whole.statusCode());
        assertArrayEquals(OBJECT, whole.body());

        HttpResponse<String> part = http.send(get("/whole", 10, 100), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, part.statusCode());
        assertEquals("application/json", part.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(part.body().contains("\"status\":503") && part.body().contains("storage node unavailable"), part.body());
    }

    @Test
    void should_answer_a_json_503_when_the_source_fails_before_any_byte() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> missing = http.send(get("/missing", 0, 100), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, missing.statusCode());
        assertTrue(missing.body().contains("404"), missing.body());

        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HttpResponse<String> down = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/relay?source=" + "http://127.0.0.1:" + closedPort + "/ok&offset=0&length=10")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, down.statusCode());
        assertTrue(down.body().contains("unreachable"), down.body());
        // the connection still serves the next relay
        assertEquals(206, http.send(get("/ok", 5, 5), HttpResponse.BodyHandlers.ofByteArray()).statusCode());
    }

    @Test
    void should_close_the_connection_when_the_source_stops_half_way() throws Exception {
        // 206 for 1000000 bytes at 1000, then half of them, then the source closes its socket
        byte[] head = ("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 1000-1000999/" + OBJECT.length
                + "\r\nContent-Length: 1000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (RawSource half = new RawSource(concat(head, Arrays.copyOfRange(OBJECT, 1000, 501_000)), false)) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write(("GET /relay?source=" + half.url() + "&offset=1000&length=1000000 HTTP/1.1\r\n"
                        + "Host: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] all = s.getInputStream().readAllBytes(); // ends when the gateway closes the connection
                String text = new String(all, StandardCharsets.ISO_8859_1);
                int body = text.indexOf("\r\n\r\n") + 4;
                assertTrue(text.startsWith("HTTP/1.1 206"), text.substring(0, Math.min(200, text.length())));
                assertEquals(500_000, all.length - body, "the half that came, then the connection closed");
                assertArrayEquals(Arrays.copyOfRange(OBJECT, 1000, 501_000), Arrays.copyOfRange(all, body, all.length));
            }
        }
    }

    @Test
    void should_give_up_on_a_source_that_stays_silent() throws Exception {
        try (RawSource silent = new RawSource(new byte[0], true)) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/relay?source=" + silent.url() + "&offset=0&length=10")).build(), HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("no bytes from the storage node"), r.body());
            assertTrue(ms >= STALL_MS && ms < 5_000, "given up after one to two periods: " + ms + " ms");
        }
    }

    @Test
    void should_send_a_pipelined_response_after_the_relayed_body() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            String relay = "/relay?source=" + sourceUrl("/ok") + "&offset=7&length=1000000";
            OutputStream out = s.getOutputStream();
            out.write(("GET " + relay + " HTTP/1.1\r\nHost: x\r\n\r\nGET /plain HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] first = readResponse(in);
            assertArrayEquals(Arrays.copyOfRange(OBJECT, 7, 1_000_007), first);
            assertEquals("after the relay", new String(readResponse(in), StandardCharsets.US_ASCII));
        }
    }

    /** A source on a plain socket: answers every request with {@code answer}, then closes or stays silent. */
    private static final class RawSource implements AutoCloseable {
        private final java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final java.util.List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

        RawSource(byte[] answer, boolean stayOpen) throws IOException {
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        open.add(s);
                        InputStream in = s.getInputStream();
                        int state = 0;
                        while (state < 4) { // up to the blank line that ends the request
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            state = (b == '\r' || b == '\n') ? state + 1 : 0;
                        }
                        s.getOutputStream().write(answer);
                        s.getOutputStream().flush();
                        if (!stayOpen) {
                            s.close();
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-source");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + listener.getLocalPort() + "/object";
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The Netty side: answers /relay with a RelayedResponse, anything else with a small plain response. */
    private static final class Gateway extends SimpleChannelInboundHandler<io.netty.handler.codec.http.HttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpRequest req) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            if (!q.path().equals("/relay")) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("after the relay", StandardCharsets.US_ASCII));
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                ctx.writeAndFlush(r);
                return;
            }
            long length = Long.parseLong(q.parameters().get("length").get(0));
            RelayedResponse r = new RelayedResponse(HttpResponseStatus.PARTIAL_CONTENT,
                    URI.create(q.parameters().get("source").get(0)), Long.parseLong(q.parameters().get("offset").get(0)), length);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
            ctx.writeAndFlush(r);
        }
    }

    private static HttpRequest get(String sourcePath, long offset, long length) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/relay?source=" + sourceUrl(sourcePath)
                + "&offset=" + offset + "&length=" + length)).build();
    }

    private static String sourceUrl(String path) {
        return "http://127.0.0.1:" + source.getAddress().getPort() + path;
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    private static long[] range(HttpExchange ex) {
        Matcher m = RANGE.matcher(ex.getRequestHeaders().getFirst("Range"));
        assertTrue(m.matches());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private static void ranged(HttpExchange ex) throws IOException {
        long[] r = range(ex);
        ex.getResponseHeaders().set("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + OBJECT.length);
        send(ex, 206, OBJECT, (int) r[0], (int) (r[1] - r[0] + 1), r[1] - r[0] + 1);
    }

    /** Answers {@code status} with Content-Length {@code declared} and writes {@code count} bytes from {@code from}. */
    private static void send(HttpExchange ex, int status, byte[] body, int from, int count, long declared) throws IOException {
        ex.sendResponseHeaders(status, declared);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body, from, count);
        } catch (IOException shortOnPurpose) {
            // the JDK server refuses to close a fixed-length body early: the connection is dropped instead
        } finally {
            ex.close();
        }
    }

    /** Reads one HTTP/1.1 response with a Content-Length from the raw stream and returns its body. */
    private static byte[] readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the connection ended inside the headers: " + head);
            head.write(b);
        }
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head.toString(StandardCharsets.US_ASCII));
        assertTrue(m.find(), head.toString(StandardCharsets.US_ASCII));
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        assertEquals(Integer.parseInt(m.group(1)), body.length);
        return body;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
