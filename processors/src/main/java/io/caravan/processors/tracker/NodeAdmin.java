package io.caravan.processors.tracker;

import java.util.LinkedHashMap;
import java.util.Map;

import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.HttpResponses;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;

/** Operator actions on nodes (bean {@code nodeAdmin}): {@code POST /admin/nodes/{name}/drain|activate}. */
public class NodeAdmin {

    private final Tracker tracker;

    public NodeAdmin(Tracker tracker) {
        this.tracker = tracker;
    }

    /** Drains or activates the node named in the path and answers with its new state. */
    public HttpResponse change(Exchange exchange) {
        String[] parts = HttpResponses.rawPath(exchange).split("/");
        // "", "admin", "nodes", name, action
        if (parts.length != 5) {
            throw CaravanException.notFound("no such resource");
        }
        String node = parts[3];
        Tracker.Status s = switch (parts[4]) {
            case "drain" -> tracker.drain(node);
            case "activate" -> tracker.activate(node);
            default -> throw CaravanException.notFound("unknown node action: " + parts[4]);
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", node);
        body.put("state", s.state().name());
        return HttpResponses.json(exchange, 200, body);
    }
}
