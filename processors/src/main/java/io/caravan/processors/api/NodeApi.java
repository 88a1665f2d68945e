package io.caravan.processors.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.Json;
import io.caravan.processors.tracker.NodeAdmin;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * Node administration over HTTP (bean {@code nodeApi}): {@code POST /admin/nodes} with a JSON description,
 * {@code POST /admin/nodes/{name}/drain}, {@code .../activate}, {@code .../format}, {@code DELETE /admin/nodes/{name}}.
 */
public class NodeApi {

    private final NodeAdmin admin;

    public NodeApi(NodeAdmin admin) {
        this.admin = admin;
    }

    /**
     * Adds the node the body describes: {@code {"name": "g1-c", "group": "g1", "kind": "disk", "path": "..."}}
     * (S3: {@code endpoint}, {@code bucket}, {@code accessKey}, {@code secretKey}; any node: {@code reserveBytes}).
     */
    public FullHttpResponse add(@Body String body) {
        Map<String, Object> json;
        try {
            json = Json.MAPPER.readValue(body == null ? "" : body, new TypeReference<>() { });
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("body must be a JSON object describing the node");
        }
        if (json == null) {
            throw new InvalidInputException("body must be a JSON object describing the node");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : StorageNodes.SETTINGS) {
            Object v = json.containsKey(key) ? json.get(key) : json.get(camel(key));
            if (v != null) {
                settings.put(key, String.valueOf(v));
            }
        }
        return HttpResponses.json(201, Views.node(admin.add(String.valueOf(json.getOrDefault("name", "")), settings)));
    }

    public FullHttpResponse drain(@Header(CaravanHeaders.NODE_NAME) String name) {
        return HttpResponses.json(200, Views.node(admin.drain(name)));
    }

    public FullHttpResponse activate(@Header(CaravanHeaders.NODE_NAME) String name) {
        return HttpResponses.json(200, Views.node(admin.activate(name)));
    }

    /** {@code POST /admin/nodes/{name}/format[?force=true]}: the node formatted, SYNCING until refilled. */
    public FullHttpResponse format(@Header(CaravanHeaders.NODE_NAME) String name, @Header(CaravanHeaders.FORCE_PARAM) String force) {
        return HttpResponses.json(200, Views.node(admin.format(name, "true".equalsIgnoreCase(force))));
    }

    public FullHttpResponse remove(@Header(CaravanHeaders.NODE_NAME) String name) {
        admin.remove(name);
        return HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
    }

    /** {@code access-key} as {@code accessKey}. */
    private static String camel(String key) {
        int dash = key.indexOf('-');
        return dash < 0 ? key : key.substring(0, dash) + Character.toUpperCase(key.charAt(dash + 1)) + key.substring(dash + 2);
    }
}
