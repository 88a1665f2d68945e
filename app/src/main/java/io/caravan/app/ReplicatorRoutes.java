package io.caravan.app;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.tracker.NodeAdmin;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Creates one replicator route per storage node ({@code replicate-<node>}) from the {@code replicator}
 * route template in {@code routes/replicate.camel.yaml}: for every node once the YAML routes are
 * loaded, and for nodes added or removed at runtime afterwards.
 */
final class ReplicatorRoutes implements StartupListener, NodeAdmin.Replicators {

    private final StorageNodes nodes;
    private volatile CamelContext context;

    ReplicatorRoutes(StorageNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (StorageNode n : nodes.all()) {
            add(context, n.name());
        }
        this.context = context;
    }

    @Override
    public void start(String node) {
        CamelContext c = context;
        if (c != null && c.getRoute(routeId(node)) == null) {
            add(c, node);
        }
    }

    @Override
    public void stop(String node) {
        CamelContext c = context;
        if (c != null && c.getRoute(routeId(node)) != null) {
            try {
                c.getRouteController().stopRoute(routeId(node));
                c.removeRoute(routeId(node));
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the replicator of " + node + ": " + e.getMessage(), e);
            }
        }
    }

    private static void add(CamelContext context, String node) {
        TemplatedRouteBuilder.builder(context, "replicator")
                .routeId(routeId(node))
                .parameter("node", node)
                .add();
    }

    private static String routeId(String node) {
        return "replicate-" + node;
    }
}
