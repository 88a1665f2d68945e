package io.caravan.processors.tracker;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileQuery;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.Replica;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.caravan.processors.replicate.ReplicationLag;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/** Read-only views of the cluster (bean {@code status}): file info, the cluster map and health. */
public class ClusterStatus {

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final ReplicationLag lag;

    public ClusterStatus(Catalogue catalogue, Tracker tracker, ReplicationLag lag) {
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.lag = lag;
    }

    /**
     * {@code GET /files/{id}/info}: the file's metadata and, for every node of its group, the state of
     * its copy ({@code VERIFIED}, {@code BAD} or {@code PENDING}) and how many events that node is behind.
     */
    public HttpResponse info(Exchange exchange) {
        String id = FileRequests.fileId(exchange);
        FileRecord file = catalogue.find(id).filter(FileRecord::isStored)
                .orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        Map<String, Replica> byNode = new LinkedHashMap<>();
        catalogue.replicas(file.blob()).forEach(r -> byNode.put(r.node(), r));
        List<String> nodes = tracker.nodes().group(file.group()).stream().map(StorageNode::name).toList();
        Map<String, Long> behind = lag.lag(nodes);
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (String node : nodes) {
            Replica r = byNode.get(node);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", node);
            m.put("state", r == null ? "PENDING" : r.state());
            m.put("nodeState", tracker.state(node).name());
            m.put("lag", behind.get(node));
            if (r != null && r.offset() != null) {
                m.put("partition", r.partition());
                m.put("offset", r.offset());
            }
            replicas.add(m);
        }
        Map<String, Object> body = file.toJson();
        body.put("meta", catalogue.meta(id));
        body.put("replicas", replicas);
        return HttpResponses.json(exchange, 200, body);
    }

    /**
     * {@code GET /files?q=&type=&group=&limit=&cursor=}: stored files, newest first, whose name or metadata
     * contain {@code q} (case and accents ignored), of a content type starting with {@code type}, in
     * {@code group}; {@code next} is the cursor of the following page, absent on the last one.
     */
    public HttpResponse list(Exchange exchange) {
        int limit;
        try {
            limit = Integer.parseInt(exchange.getIn().getHeader("limit", "50", String.class).trim());
        } catch (NumberFormatException e) {
            throw CaravanException.badRequest("limit must be a number");
        }
        if (limit < 1 || limit > 500) {
            throw CaravanException.badRequest("limit must be between 1 and 500");
        }
        Instant before = null;
        String beforeId = null;
        String cursor = exchange.getIn().getHeader("cursor", String.class);
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8).split(" ", 2);
                before = Instant.parse(parts[0]);
                beforeId = parts[1];
            } catch (RuntimeException e) {
                throw CaravanException.badRequest("bad cursor: pass back the 'next' of the previous page");
            }
        }
        // one more than asked tells whether there is a next page
        List<FileRecord> page = catalogue.search(new FileQuery(FileRequests.queryParam(exchange, "q", null),
                FileRequests.queryParam(exchange, "type", null), FileRequests.queryParam(exchange, "group", null),
                before, beforeId, limit + 1));
        List<FileRecord> files = page.subList(0, Math.min(limit, page.size()));
        Map<String, Map<String, String>> meta = catalogue.meta(files.stream().map(FileRecord::id).toList());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("files", files.stream().map(f -> {
            Map<String, Object> m = f.toJson();
            m.put("meta", meta.getOrDefault(f.id(), Map.of()));
            return m;
        }).toList());
        if (page.size() > limit) {
            FileRecord last = files.get(files.size() - 1);
            body.put("next", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.created() + " " + last.id()).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpResponses.json(exchange, 200, body);
    }

    /** {@code GET /cluster}: groups with their health, nodes with state, free space, files and lag. */
    public HttpResponse cluster(Exchange exchange) {
        List<String> all = tracker.nodes().all().stream().map(StorageNode::name).toList();
        Map<String, Long> behind = lag.lag(all);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (String g : tracker.nodes().groups()) {
            List<Map<String, Object>> nodes = new ArrayList<>();
            int writable = 0;
            boolean degraded = false;
            for (StorageNode n : tracker.nodes().group(g)) {
                Tracker.Status s = tracker.status(n.name());
                Long nodeLag = behind.get(n.name());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n.name());
                m.put("kind", n.kind());
                m.put("state", s.state().name());
                m.put("freeBytes", s.freeBytes() == Long.MAX_VALUE || s.freeBytes() < 0 ? null : s.freeBytes());
                m.put("lastHeartbeat", s.lastBeat() == null ? null : s.lastBeat().toString());
                m.put("files", catalogue.verifiedReplicas(n.name()));
                m.put("lag", nodeLag);
                if (s.error() != null) {
                    m.put("error", s.error());
                }
                nodes.add(m);
                writable += s.state().writable() ? 1 : 0;
                degraded |= s.state() != NodeState.ACTIVE || nodeLag == null || nodeLag > 0;
            }
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g);
            gm.put("health", writable == 0 ? "UNAVAILABLE" : degraded ? "DEGRADED" : "HEALTHY");
            gm.put("nodes", nodes);
            groups.add(gm);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("groups", groups);
        body.put("unpublishedEvents", catalogue.unsentEvents());
        return HttpResponses.json(exchange, 200, body);
    }

    /** {@code GET /health}: 200 {@code {"status":"UP"}} once the database, the broker and every route are ready. */
    public HttpResponse health(Exchange exchange) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean db = catalogue.isReachable();
        boolean kafka = lag.brokerReachable();
        boolean routes = exchange.getContext().getRoutes().stream().filter(Route::isAutoStartup).map(Route::getId)
                .allMatch(id -> exchange.getContext().getRouteController().getRouteStatus(id).isStarted());
        checks.put("database", db ? "UP" : "DOWN");
        checks.put("kafka", kafka ? "UP" : "DOWN");
        checks.put("routes", routes ? "UP" : "DOWN");
        boolean up = db && kafka && routes;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", checks);
        return HttpResponses.json(exchange, up ? 200 : 503, body);
    }
}
