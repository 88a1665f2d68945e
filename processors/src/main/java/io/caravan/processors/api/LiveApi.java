package io.caravan.processors.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.processors.live.LiveStreams;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.Json;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Header;

/**
 * The live endpoints besides playback (bean {@code liveApi}): an encoder's {@code PUT|POST|DELETE
 * /live/{stream}/{file}} (an API key, or the stream's own publishing key), {@code POST /live} (creates a stream
 * with a publishing key), {@code GET /live} and {@code GET /live/{stream}}.
 */
public class LiveApi {

    private final LiveStreams live;
    private final ApiKeys keys;

    public LiveApi(LiveStreams live, ApiKeys keys) {
        this.live = live;
        this.keys = keys;
    }

    /** {@code PUT|POST /live/{stream}/{file}}: 201 with what was stored; {@code DELETE}: 204. */
    public FullHttpResponse ingest(@Header(CaravanHeaders.HTTP_METHOD) String method, @Header(CaravanHeaders.LIVE_STREAM) String stream,
                                   @Header(CaravanHeaders.LIVE_FILE) String file, @Header(CaravanHeaders.AUTHORIZATION) String authorization,
                                   @Body Object body, CamelContext context) throws IOException {
        authorize(stream, authorization);
        if ("DELETE".equals(method)) {
            live.remove(stream, file);
            return HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
        }
        LiveStreams.Written w = live.put(stream, file, Requests.bodyStream(body, context));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stream", w.stream());
        json.put("name", w.name());
        json.put("size", w.size());
        if (w.fileId() != null) {
            json.put("id", w.fileId());
        }
        return HttpResponses.json(201, json);
    }

    /** {@code POST /live} with {@code {"name": …, "group": …, "record": …}}: 201 with the stream's publishing key (shown once). */
    public FullHttpResponse create(@Body byte[] body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body == null || body.length == 0 ? "{}".getBytes() : body);
        } catch (IOException e) {
            throw new InvalidInputException("the body must be JSON: {\"name\": \"<stream>\"}");
        }
        if (json == null || !json.isObject() || !json.path("name").isTextual()) {
            throw new InvalidInputException("the body must be JSON with a name: {\"name\": \"<stream>\"}");
        }
        String name = json.path("name").asText();
        Boolean record = json.has("record") ? json.path("record").asBoolean() : null;
        String group = json.path("group").isTextual() ? json.path("group").asText() : null;
        String key = live.create(name, group, record);
        Map<String, Object> out = new LinkedHashMap<>(live.state(name));
        out.put("key", key);
        out.put("ingest", "/live/" + name + "/index.m3u8");
        return HttpResponses.json(201, out);
    }

    /** {@code GET /live/{stream}}: the stream's state. */
    public FullHttpResponse state(@Header(CaravanHeaders.LIVE_STREAM) String stream) {
        return HttpResponses.json(200, live.state(stream));
    }

    /** {@code GET /live}: every stream, the most recently active first. */
    public FullHttpResponse list() {
        return HttpResponses.json(200, Map.of("streams", live.list()));
    }

    private void authorize(String stream, String authorization) {
        try {
            keys.require(authorization);
        } catch (UnauthorizedException e) {
            String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : null;
            if (token == null || !live.acceptsKey(stream, token)) {
                throw e;
            }
        }
    }
}
