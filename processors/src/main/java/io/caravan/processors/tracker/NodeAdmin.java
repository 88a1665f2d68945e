package io.caravan.processors.tracker;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.type.TypeReference;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.HttpResponses;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on nodes (bean {@code nodeAdmin}): add and remove nodes at runtime, drain and activate
 * them. Nodes added at runtime are kept in the database, so every gateway (see {@link #sync}) and every
 * restart sees them; nodes declared in configuration are changed there.
 */
public class NodeAdmin {

    /** Starts and stops the per-node replicator routes. */
    public interface Replicators {
        void start(String node);

        void stop(String node);
    }

    private static final Logger LOG = LoggerFactory.getLogger(NodeAdmin.class);

    private final Tracker tracker;
    private final Catalogue catalogue;
    private final Path dataDir;
    private final Set<String> runtimeNodes = ConcurrentHashMap.newKeySet();
    private Replicators replicators;

    public NodeAdmin(Tracker tracker, Catalogue catalogue, Path dataDir) {
        this.tracker = tracker;
        this.catalogue = catalogue;
        this.dataDir = dataDir;
    }

    public void setReplicators(Replicators replicators) {
        this.replicators = replicators;
    }

    /** Adds the nodes stored in the database (added at runtime before this start). */
    public void loadStoredNodes() {
        sync();
    }

    /**
     * {@code POST /admin/nodes} with a JSON body {@code {"name": "g1-c", "group": "g1", "kind": "disk",
     * "path": "..."}} (S3: {@code endpoint}, {@code bucket}, {@code accessKey}, {@code secretKey}). The node must
     * answer; it joins SYNCING, copies its group's files, then turns ACTIVE.
     */
    public synchronized HttpResponse add(Exchange exchange) {
        Map<String, Object> body;
        try {
            body = HttpResponses.JSON.readValue(exchange.getIn().getBody(String.class), new TypeReference<>() { });
        } catch (IOException | IllegalArgumentException e) {
            throw CaravanException.badRequest("body must be a JSON object describing the node");
        }
        if (body == null) {
            throw CaravanException.badRequest("body must be a JSON object describing the node");
        }
        String name = String.valueOf(body.getOrDefault("name", ""));
        Properties settings = new Properties();
        for (String key : StorageNodes.SETTINGS) {
            Object v = body.containsKey(key) ? body.get(key) : body.get(camel(key));
            if (v != null) {
                settings.setProperty(key, String.valueOf(v));
            }
        }
        if (tracker.nodes().node(name).isPresent()) {
            throw new CaravanException(409, "a node named " + name + " exists");
        }
        StorageNode node;
        try {
            node = StorageNodes.create(name, settings::getProperty, dataDir);
            Long.parseLong(settings.getProperty("reserve-bytes", "0").trim());
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest(e.getMessage());
        }
        try {
            node.prepare();
            node.freeSpace();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw CaravanException.badRequest("node " + name + " does not answer: " + e.getMessage());
        }
        catalogue.saveNodeConfig(name, text(settings));
        join(node, settings);
        LOG.info("storage node {} added to group {} ({})", name, node.group(), node.kind());
        return nodeResponse(exchange, 201, node.name());
    }

    /** {@code DELETE /admin/nodes/{name}}: forgets a runtime-added node; 409 while it holds a file's only copy. */
    public synchronized HttpResponse remove(Exchange exchange) {
        String name = pathPart(exchange, 3);
        tracker.nodes().node(name).orElseThrow(() -> CaravanException.notFound("no such node: " + name));
        if (!runtimeNodes.contains(name)) {
            throw new CaravanException(409, "node " + name + " is declared in configuration: remove it there");
        }
        long only = catalogue.onlyCopiesOn(name);
        if (only > 0) {
            throw new CaravanException(409, "node " + name + " holds the only copy of " + only + " files");
        }
        // the database first: a heartbeat's sync() must not find the definition and bring the node back
        catalogue.forgetNode(name);
        leave(name);
        LOG.info("storage node {} removed", name);
        return HttpResponses.empty(exchange, HttpResponseStatus.NO_CONTENT);
    }

    /** {@code POST /admin/nodes/{name}/drain}: answers with the node's new state. */
    public HttpResponse drain(Exchange exchange) {
        String node = pathPart(exchange, 3);
        tracker.drain(node);
        return nodeResponse(exchange, 200, node);
    }

    /** {@code POST /admin/nodes/{name}/activate}: answers with the node's new state. */
    public HttpResponse activate(Exchange exchange) {
        String node = pathPart(exchange, 3);
        tracker.activate(node);
        return nodeResponse(exchange, 200, node);
    }

    /** Adds the nodes another gateway added and forgets the ones it removed (called on every heartbeat). */
    public synchronized void sync() {
        Map<String, String> stored = catalogue.nodeConfigs();
        for (String name : Set.copyOf(runtimeNodes)) {
            if (!stored.containsKey(name)) {
                leave(name);
                LOG.info("storage node {} removed by another gateway", name);
            }
        }
        stored.forEach((name, text) -> {
            if (!runtimeNodes.contains(name) && tracker.nodes().node(name).isEmpty()) {
                try {
                    Properties p = properties(text);
                    join(StorageNodes.create(name, p::getProperty, dataDir), p);
                    LOG.info("storage node {} added by another gateway", name);
                } catch (IllegalArgumentException e) {
                    LOG.warn("ignoring stored node {}: {}", name, e.getMessage());
                }
            }
        });
    }

    private void join(StorageNode node, Properties settings) {
        runtimeNodes.add(node.name());
        tracker.addNode(node);
        String reserve = settings.getProperty("reserve-bytes");
        if (reserve != null && !reserve.isBlank()) {
            tracker.setReserveBytes(node.name(), Long.parseLong(reserve.trim()));
        }
        if (replicators != null) {
            replicators.start(node.name());
        }
    }

    private void leave(String name) {
        if (replicators != null) {
            replicators.stop(name);
        }
        tracker.removeNode(name);
        runtimeNodes.remove(name);
    }

    private HttpResponse nodeResponse(Exchange exchange, int status, String node) {
        Tracker.Status s = tracker.status(node);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", node);
        tracker.nodes().node(node).ifPresent(n -> {
            body.put("group", n.group());
            body.put("kind", n.kind());
        });
        body.put("state", s.state().name());
        return HttpResponses.json(exchange, status, body);
    }

    /** Part {@code index} of {@code /admin/nodes/{name}/{action}} (0 is the empty part before the first slash). */
    private static String pathPart(Exchange exchange, int index) {
        String[] parts = HttpResponses.rawPath(exchange).split("/");
        if (parts.length <= index || parts[index].isEmpty()) {
            throw CaravanException.notFound("no such resource");
        }
        return parts[index];
    }

    private static String camel(String key) {
        int dash = key.indexOf('-');
        return dash < 0 ? key : key.substring(0, dash) + Character.toUpperCase(key.charAt(dash + 1)) + key.substring(dash + 2);
    }

    private static String text(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    private static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return p;
    }
}
