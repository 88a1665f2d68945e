package io.caravan.processors.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.CamelContext;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.component.netty.http.handlers.HttpServerChannelHandler;
import org.apache.camel.component.netty.http.handlers.HttpServerMultiplexChannelHandler;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CaravanHttpDispatcherTest {

    private static final int PORT = 18999;

    /** Caravan's routes on the HTTP port, as routes/*.camel.yaml declare them: path, then methods (none: any). */
    private static final String[][] CARAVAN = {
            {"/files/{id}", "DELETE"}, {"/files/{id}/derived/{kind}", "POST"}, {"/admin/extensions", "GET,HEAD"},
            {"/files/{id}/hls/{file}", "GET,HEAD,OPTIONS"}, {"/files/{id}/hls", "POST"}, {"/files/{id}/info", "GET,HEAD"},
            {"/live/{stream}/{file}", "PUT,POST,DELETE"}, {"/live/{stream}/{file}", "GET,HEAD,OPTIONS"},
            {"/live/{stream}", "GET,HEAD"}, {"/live", "GET,HEAD"}, {"/live", "POST"}, {"/files/{id}/manifest", "GET,HEAD"},
            {"/files/{id}/meta", "PATCH"}, {"/metrics", "GET,HEAD"}, {"/metrics/recent", "GET,HEAD"},
            {"/admin/nodes", "POST"}, {"/admin/nodes/{name}/drain", "POST"}, {"/admin/nodes/{name}/activate", "POST"},
            {"/admin/nodes/{name}", "DELETE"}, {"/admin/nodes/{name}/format", "POST"}, {"/admin/scrub", "POST"},
            {"/files", "GET,HEAD"}, {"/files/{id}/url", "POST"}, {"/cluster", "GET,HEAD"}, {"/health", "GET,HEAD"},
            {"/files/{id}", "GET,HEAD,OPTIONS"}, {"/ui", "GET,HEAD"}, {"/ui/cluster", "GET,HEAD"},
            {"/ui/hls.min.js", "GET,HEAD"}, {"/ui/uPlot.min.js", "GET,HEAD"}, {"/ui/uPlot.min.css", "GET,HEAD"},
            {"/files", "POST"}, {"/ext/{id}/thumb", "GET"}, {"/ext/any", null},
    };
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS",
            "CONNECT", "PATCH", "FOO", "get");

    private CamelContext context;
    private HttpServerMultiplexChannelHandler camel;
    private CaravanHttpDispatcher caravan;
    private Method camelsChoice;

    @BeforeEach
    void setUp() throws Exception {
        context = new DefaultCamelContext();
        context.addComponent("netty-http", new CaravanHttpComponent());
        context.start();
        camel = new HttpServerMultiplexChannelHandler();
        camel.init(PORT);
        caravan = (CaravanHttpDispatcher) context.getComponent("netty-http", CaravanHttpComponent.class).getMultiplexChannelHandler(PORT);
        camelsChoice = HttpServerMultiplexChannelHandler.class.getDeclaredMethod("getHandler", HttpRequest.class, String.class);
        camelsChoice.setAccessible(true);
    }

    @AfterEach
    void tearDown() {
        context.stop();
    }

    @Test
    void should_hand_every_request_to_the_route_netty_http_would_for_caravans_routes() throws Exception {
        List<NettyHttpConsumer> consumers = addAll(CARAVAN);
        consumers.add(add("/", null, true)); // the catch-all not-found route

        int compared = compareOn(requests(CARAVAN));
        assertTrue(compared > 3000, "compared " + compared);
        // and a few answers spelled out, so the comparison cannot pass by both being wrong
        assertSame(consumers.get(3), caravan.route("GET", caravan.path("/files/AbC/hls/source.mp4")).getConsumer());
        assertSame(consumers.get(25), caravan.route("GET", caravan.path("/files/AbC?sig=1")).getConsumer());
        assertSame(consumers.get(0), caravan.route("DELETE", caravan.path("/files/AbC/")).getConsumer());
        assertSame(consumers.get(21), caravan.route("GET", caravan.path("/files?q=x")).getConsumer());
        assertSame(consumers.get(34), caravan.route("PUT", caravan.path("/files/AbC/hls/source.mp4")).getConsumer());
        assertSame(consumers.get(34), caravan.route("GET", caravan.path("/nothing/here")).getConsumer());
    }

    @Test
    void should_choose_as_netty_http_does_among_ambiguous_prefix_and_literal_paths() throws Exception {
        String[][] tricky = {
                {"/a/{x}/c", "GET"}, {"/a/b/{y}", "GET"}, {"/a/{x}/{y}", "GET"}, {"/a/b", "PUT"}, {"/a", "PUT"},
                {"/p/{x}", "GET"}, {"/P/q", null}, {"/a/B/c", "POST"},
        };
        List<NettyHttpConsumer> added = addAll(tricky);
        add("/m/{x}/c", "GET", false);
        add("/m/b/{y}", "GET", false);
        add("/pre", "DELETE", true);
        NettyHttpConsumer fix = add("/pre/fix", "DELETE", true);
        add("/only", "PATCH", true);
        add("/{all}/{names}/{here}", "PUT", false);
        add("/star/*", "GET", false);
        add("/slash/{x}/", "GET", false);
        add("/dot.", "GET", false);
        add("/under/{file_name}", "GET", false);
        List<String> uris = new ArrayList<>(requests(tricky));
        uris.addAll(List.of("/pre", "/pre/", "/pre/fix", "/pre/fixed/x", "/prefix", "/PRE/x", "/only/x/y", "/onlyx",
                "/a/b/c/d", "/x/y/z", "/a/b/c", "/A/B/C", "/a//c", "//a/b", "/star/x", "/star/x/y", "/STAR/x", "/star",
                "/m/b/c", "/m/q/c", "/slash/x", "/slash/x/", "/slash/x/y", "/dot", "/dot.", "/dotx", "/under/a", "/under/a/b"));
        assertTrue(compareOn(uris) > 500);
        // "/m/b/c" matches /m/{x}/c and /m/b/{y} with one name each: netty-http calls that ambiguous
        assertEquals(IllegalStateException.class, choice(() -> caravan.route("GET", "/m/b/c")));
        // the fewest names win: /a/b/{y} over /a/{x}/{y}
        assertSame(added.get(1), caravan.route("GET", "/a/b/x").getConsumer());
        // "/a/b/c" is POST's: GET finds no route, so the caller answers 405
        assertNull(caravan.route("GET", "/a/b/c"));
        // every consumer allowing DELETE is literal: the longest prefix wins
        assertSame(fix, caravan.route("DELETE", "/pre/fix/x").getConsumer());
    }

    @Test
    void should_answer_options_with_the_same_allow_as_netty_http() throws Exception {
        addAll(CARAVAN);
        add("/", null, true);
        for (String uri : List.of("/files", "/admin/nodes/n1/drain", "/live", "/metrics", "/files/AbC/info", "/ext/any")) {
            HttpResponse ours = options(caravan, uri);
            HttpResponse theirs = options(camel, uri);
            assertEquals(theirs.status(), ours.status(), uri);
            assertEquals(theirs.headers().get(HttpHeaderNames.ALLOW), ours.headers().get(HttpHeaderNames.ALLOW), uri);
            assertNotNull(ours.headers().get(HttpHeaderNames.ALLOW), uri);
        }
        // the catch-all takes every method, so netty-http allows them all; /files/{id} takes OPTIONS itself (CORS)
        assertEquals("GET,HEAD,POST,PUT,DELETE,TRACE,OPTIONS,CONNECT,PATCH", options(caravan, "/files").headers().get(HttpHeaderNames.ALLOW));
    }

    @Test
    void should_forget_a_removed_route() throws Exception {
        NettyHttpConsumer info = add("/files/{id}/info", "GET,HEAD", false);
        NettyHttpConsumer all = add("/", null, true);
        assertSame(info, caravan.route("GET", "/files/x/info").getConsumer());
        caravan.removeConsumer(info);
        camel.removeConsumer(info);
        assertSame(all, caravan.route("GET", "/files/x/info").getConsumer());
        assertEquals(1, caravan.consumers());
        caravan.removeConsumer(all);
        assertNull(caravan.route("GET", "/files/x/info"));
    }

    private List<NettyHttpConsumer> addAll(String[][] routes) throws Exception {
        List<NettyHttpConsumer> out = new ArrayList<>();
        for (String[] r : routes) {
            out.add(add(r[0], r[1], false));
        }
        return out;
    }

    private NettyHttpConsumer add(String path, String methods, boolean prefix) throws Exception {
        String uri = "netty-http:http://0.0.0.0:" + PORT + path + "?matchOnUriPrefix=" + prefix
                + (methods == null ? "" : "&httpMethodRestrict=" + methods);
        NettyHttpEndpoint endpoint = context.getEndpoint(uri, NettyHttpEndpoint.class);
        NettyHttpConsumer consumer = new NettyHttpConsumer(endpoint, exchange -> { }, endpoint.getConfiguration());
        camel.addConsumer(consumer);
        caravan.addConsumer(consumer);
        return consumer;
    }

    /** Each route's path with its names filled in several ways, cut short, made longer, cased, slashed and queried. */
    private static List<String> requests(String[][] routes) {
        Set<String> out = new LinkedHashSet<>(List.of("", "/", "/?x=1", "/nothing", "/files/", "/ui/", "//files//a",
                "/files/%2e%2e/info", "/files/a%20b/info", "/files/\"x\"/info", "/files/a%2Fb/hls/x", "/FILES/x/INFO", "http://h:" + PORT + "/files/x"));
        for (String[] r : routes) {
            for (String fill : List.of("x", "ABC", "a.b", "hls", "info")) {
                String p = r[0].replaceAll("\\{[^}]+}", fill);
                out.addAll(List.of(p, p + "/", p + "?q=1&r=/a", p.toUpperCase(), p + "/more", p + "/more/again",
                        p.substring(0, Math.max(1, p.lastIndexOf('/')))));
            }
        }
        return new ArrayList<>(out);
    }

    /** Compares both handlers' choice on every uri and method; the number of comparisons. */
    private int compareOn(List<String> uris) throws Exception {
        int n = 0;
        for (String uri : uris) {
            for (String method : METHODS) {
                FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
                Object theirs = choice(() -> {
                    try {
                        return consumer((HttpServerChannelHandler) camelsChoice.invoke(camel, request, method));
                    } catch (InvocationTargetException e) {
                        throw (RuntimeException) e.getCause();
                    }
                });
                Object ours = choice(() -> consumer(caravan.route(method, caravan.path(uri))));
                assertSame(theirs, ours, method + " " + uri);
                n++;
            }
        }
        return n;
    }

    private interface Choice {
        Object get() throws Exception;
    }

    /** The consumer chosen, or the class of the exception thrown (ambiguous paths). */
    private static Object choice(Choice c) throws Exception {
        try {
            return c.get();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    private static NettyHttpConsumer consumer(HttpServerChannelHandler h) {
        return h == null ? null : h.getConsumer();
    }

    private static HttpResponse options(io.netty.channel.ChannelHandler handler, String uri) {
        EmbeddedChannel channel = new EmbeddedChannel(handler);
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, uri));
        HttpResponse response = channel.readOutbound();
        channel.finishAndReleaseAll();
        return response;
    }
}
