package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.caravan.processors.api.ApiKeys;
import io.caravan.processors.api.HttpErrors;
import io.caravan.processors.netty.CaravanHttpBinding;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.NotFoundException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP flows in isolation: the delete flow and the status flow, made from the templates of
 * {@code routes/http-api.camel.yaml} with the error handling of {@code routes/error-handling.camel.yaml}, on a real
 * netty-http port, with stand-in handler beans instead of the domain.
 */
class HttpRoutesTest {

    /** Stands in for {@code fileApi}: records the ids it was asked to delete; {@code 2-...} does not exist. */
    public static final class Files {
        final List<String> deleted = new CopyOnWriteArrayList<>();

        public FullHttpResponse delete(@Header(CaravanHeaders.ID) String id) {
            if (id.startsWith("2-")) {
                throw new NotFoundException("no such file: " + id);
            }
            deleted.add(id);
            return HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        }
    }

    /** Stands in for {@code clusterApi}. */
    public static final class Cluster {
        public FullHttpResponse health() {
            return HttpResponses.json(200, java.util.Map.of("status", "UP"));
        }

        public FullHttpResponse cluster() {
            return HttpResponses.json(200, java.util.Map.of("groups", List.of()));
        }
    }

    private CamelContext context;
    private final Files files = new Files();
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:config/application.properties");
        Properties overrides = new Properties();
        overrides.setProperty("caravan.http.port", String.valueOf(port));
        context.getPropertiesComponent().setOverrideProperties(overrides);
        NettyHttpComponent netty = context.getComponent("netty-http", NettyHttpComponent.class);
        netty.setNettyHttpBinding(new CaravanHttpBinding());
        netty.getConfiguration().setUsingExecutorService(false);
        context.getRegistry().bind("blocking", java.util.concurrent.Executors.newFixedThreadPool(2));
        context.getRegistry().bind("apiKeys", new ApiKeys("test-key"));
        context.getRegistry().bind("httpErrors", new HttpErrors());
        context.getRegistry().bind("fileApi", files);
        context.getRegistry().bind("clusterApi", new Cluster());
        for (String flow : new String[] {"error-handling", "http-api", "delete", "status"}) {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    PluginHelper.getResourceLoader(context).resolveResource("file:routes/" + flow + ".camel.yaml"));
        }
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void should_ask_for_the_api_key_before_the_handler_runs() throws Exception {
        HttpResponse<String> none = send("DELETE", "/files/1-aaaaaaaaaaaa.mp3");
        assertEquals(401, none.statusCode());
        assertEquals("{\"error\":\"missing API key: send Authorization: Bearer <key>\",\"status\":401}", none.body());
        assertEquals("nosniff", none.headers().firstValue("X-Content-Type-Options").orElse(null));
        assertEquals(401, send("DELETE", "/files/1-aaaaaaaaaaaa.mp3", "Authorization", "Bearer other").statusCode());
        assertEquals(List.of(), files.deleted, "the handler never ran");
    }

    @Test
    void should_hand_the_path_parameter_to_the_handler_and_answer_its_response() throws Exception {
        HttpResponse<String> ok = send("DELETE", "/files/1-aaaaaaaaaaaa.mp3", "Authorization", "Bearer test-key");
        assertEquals(204, ok.statusCode());
        assertEquals("nosniff", ok.headers().firstValue("X-Content-Type-Options").orElse(null), "finished by the binding");
        assertEquals(List.of("1-aaaaaaaaaaaa.mp3"), files.deleted);

        HttpResponse<String> missing = send("DELETE", "/files/2-aaaaaaaaaaaa.mp3", "Authorization", "Bearer test-key");
        assertEquals(404, missing.statusCode());
        assertEquals("{\"error\":\"no such file: 2-aaaaaaaaaaaa.mp3\",\"status\":404}", missing.body());
    }

    @Test
    void should_keep_the_path_parameter_percent_encoded() throws Exception {
        send("DELETE", "/files/1-aaaa%2Faaaaaaaa.mp3", "Authorization", "Bearer test-key");
        assertEquals(List.of("1-aaaa%2Faaaaaaaa.mp3"), files.deleted, "never decoded into a path");
    }

    @Test
    void should_answer_public_endpoints_without_a_key_and_other_paths_with_a_json_404() throws Exception {
        HttpResponse<String> health = send("GET", "/health");
        assertEquals(200, health.statusCode());
        assertEquals("{\"status\":\"UP\"}", health.body());
        HttpResponse<String> none = send("GET", "/nowhere");
        assertEquals(404, none.statusCode());
        assertTrue(none.body().contains("\"status\":404"), none.body());
    }
}
