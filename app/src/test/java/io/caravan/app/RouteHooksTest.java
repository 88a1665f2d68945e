package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.processors.extensions.RejectedException;
import io.caravan.processors.extensions.RouteHooks;
import io.caravan.processors.files.UploadHooks;
import io.caravan.processors.files.UploadRequest;
import io.caravan.processors.support.UnavailableException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The upload hooks as routes, on a real CamelContext: what a hook hears, how it refuses, and failing closed. */
class RouteHooksTest {

    private CamelContext context;
    private RouteHooks hooks;
    private final Map<String, Object> heard = new ConcurrentHashMap<>();

    private static UploadRequest request(String name, long declared) {
        return new UploadRequest(name, "audio/mpeg", "g1", Map.of("title", "Song"), null, declared, false);
    }

    /** How many times a hook route ran. */
    private final AtomicInteger asked = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        context = new DefaultCamelContext();
        context.start();
        hooks = new RouteHooks(context, Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void should_ask_nothing_when_no_route_consumes_a_hook() throws Exception {
        RouteBuilder.addRoutes(context, rb -> rb.from("direct:something-else").routeId("other")
                .process(e -> asked.incrementAndGet()).setHeader("CaravanRejectReason", rb.constant("never asked")));
        hooks.beforeUpload(request("a.exe", 10));
        hooks.beforeCommit(request("a.exe", 10), new UploadHooks.Written("1-x", "a.exe", "g1-a", "g1", 10, "ab", null));
        assertEquals(0, asked.get(), "nothing was called");

        RouteBuilder.addRoutes(context, rb -> rb.from("direct:before-upload").routeId("policy").process(e -> asked.incrementAndGet()));
        hooks.beforeUpload(request("a.mp3", 10));
        assertEquals(1, asked.get(), "a hook route is asked once per upload");
        hooks.beforeCommit(request("a.mp3", 10), new UploadHooks.Written("1-x", "a.mp3", "g1-a", "g1", 10, "ab", null));
        assertEquals(1, asked.get(), "and only the hook it consumes");
    }

    @Test
    void should_hand_the_upload_headers_to_the_hook_and_refuse_with_its_status_and_reason() throws Exception {
        // a lambda, not a RouteBuilder subclass: Camel Main's package scan of io.caravan.app would pick one up
        RouteBuilder.addRoutes(context, rb -> {
                rb.from("direct:before-upload").routeId("policy")
                        .process(e -> heard.putAll(e.getIn().getHeaders()))
                        .choice().when(rb.simple("${header.CaravanFileName} endsWith '.exe'"))
                            .setHeader("CaravanRejectReason", rb.constant("no executables"))
                            .setHeader("CaravanRejectStatus", rb.constant(415))
                        .end();
                rb.from("direct:before-commit").routeId("size-limit")
                        .process(e -> heard.put("commit", e.getIn().getHeaders()))
                        .filter(rb.simple("${header.CaravanSize} > 100"))
                            .setHeader("CaravanRejectReason", rb.simple("${header.CaravanSize} bytes is over 100"))
                            .setHeader("CaravanRejectStatus", rb.constant(999)); // not a 4xx: 403
        });
        RejectedException no = assertThrows(RejectedException.class, () -> hooks.beforeUpload(request("a.exe", 10)));
        assertEquals(415, no.status());
        assertEquals("no executables", no.getMessage());
        assertEquals("a.exe", heard.get("CaravanFileName"));
        assertEquals("audio/mpeg", heard.get("CaravanContentType"));
        assertEquals("g1", heard.get("CaravanGroup"));
        assertEquals(10L, heard.get("CaravanDeclaredSize"));
        assertEquals("Song", heard.get("X-Meta-title"));

        heard.clear();
        hooks.beforeUpload(request("a.mp3", -1));
        assertTrue(!heard.containsKey("CaravanDeclaredSize"), "a chunked body has no declared size");

        hooks.beforeCommit(request("a.mp3", -1), new UploadHooks.Written("1-x", "a.mp3", "g1-a", "g1", 100, "ab", "audio/mpeg"));
        RejectedException big = assertThrows(RejectedException.class, () -> hooks.beforeCommit(request("a.mp3", -1),
                new UploadHooks.Written("1-y", "a.mp3", "g1-a", "g1", 101, "cd", "audio/mpeg")));
        assertEquals(403, big.status());
        assertEquals("101 bytes is over 100", big.getMessage());
        @SuppressWarnings("unchecked")
        Map<String, Object> commit = (Map<String, Object>) heard.get("commit");
        assertEquals("1-y", commit.get("CaravanFileId"));
        assertEquals("cd", commit.get("CaravanSha256"));
        assertEquals("audio/mpeg", commit.get("CaravanDetectedType"));
        assertEquals("g1-a", commit.get("CaravanNode"));
    }

    @Test
    void should_fail_closed_when_a_hook_throws_or_takes_too_long() throws Exception {
        RouteBuilder.addRoutes(context, rb -> {
            rb.from("direct:before-upload").routeId("broken").throwException(new IllegalStateException("policy store down"));
            rb.from("direct:before-commit").routeId("slow").delay(3000);
        });
        assertEquals("upload hook before-upload failed",
                assertThrows(UnavailableException.class, () -> hooks.beforeUpload(request("a.mp3", 1))).getMessage());
        long t0 = System.nanoTime();
        assertEquals("upload hook before-commit did not answer in time", assertThrows(UnavailableException.class,
                () -> hooks.beforeCommit(request("a.mp3", 1), new UploadHooks.Written("1-x", "a.mp3", "g1-a", "g1", 1, "ab", null))).getMessage());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 500 && ms < 2500, "gave up after the timeout: " + ms + " ms");
    }
}
