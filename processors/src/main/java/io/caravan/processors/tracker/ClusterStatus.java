package io.caravan.processors.tracker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.Replica;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Read-only views of the cluster (bean {@code status}): file info, the cluster map and health. */
public class ClusterStatus implements AutoCloseable {

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final String kafkaBootstrap;
    private Admin admin;

    public ClusterStatus(Catalogue catalogue, Tracker tracker, String kafkaBootstrap) {
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.kafkaBootstrap = kafkaBootstrap;
    }

    /** {@code GET /files/{id}/info}: the file's metadata and where its replicas are. */
    public HttpResponse info(Exchange exchange) {
        String id = FileRequests.fileId(exchange);
        FileRecord file = catalogue.find(id).filter(FileRecord::isStored)
                .orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        Map<String, Object> body = file.toJson();
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (Replica r : catalogue.replicas(id)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", r.node());
            m.put("state", r.state());
            m.put("nodeState", tracker.state(r.node()).name());
            if (r.offset() != null) {
                m.put("partition", r.partition());
                m.put("offset", r.offset());
            }
            replicas.add(m);
        }
        body.put("replicas", replicas);
        return HttpResponses.json(exchange, 200, body);
    }

    /** {@code GET /cluster}: groups, their nodes and each node's state. */
    public HttpResponse cluster(Exchange exchange) {
        List<Map<String, Object>> groups = new ArrayList<>();
        for (String g : tracker.nodes().groups()) {
            List<Map<String, Object>> nodes = new ArrayList<>();
            int writable = 0;
            for (StorageNode n : tracker.nodes().group(g)) {
                Tracker.Status s = tracker.status(n.name());
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", n.name());
                m.put("kind", n.kind());
                m.put("state", s.state().name());
                m.put("freeBytes", s.freeBytes() == Long.MAX_VALUE ? null : s.freeBytes());
                m.put("lastHeartbeat", s.lastBeat() == null ? null : s.lastBeat().toString());
                m.put("files", catalogue.verifiedReplicas(n.name()));
                if (s.error() != null) {
                    m.put("error", s.error());
                }
                nodes.add(m);
                writable += s.state().writable() ? 1 : 0;
            }
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g);
            gm.put("writable", writable > 0);
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
        boolean kafka = brokerReachable();
        boolean routes = exchange.getContext().getRoutes().stream().map(Route::getId)
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

    private synchronized boolean brokerReachable() {
        try {
            if (admin == null) {
                Properties p = new Properties();
                p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
                p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
                p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
                admin = Admin.create(p);
            }
            admin.describeCluster().clusterId().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
