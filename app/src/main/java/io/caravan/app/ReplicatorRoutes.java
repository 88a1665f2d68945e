package io.caravan.app;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.tracker.NodeAdmin;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Creates the replicator routes of every storage node ({@code replicate-<node>-<i>}, {@code consumers}
 * of them, one Kafka consumer each in the node's group, so a node copies from several partitions at
 * once) from the {@code replicator} route template in {@code routes/replicate.camel.yaml}: for every
 * node once the YAML routes are loaded, and for nodes added or removed at runtime afterwards.
 */
final class ReplicatorRoutes implements StartupListener, NodeAdmin.Replicators {

    private final StorageNodes nodes;
    private final int consumers;
    private volatile CamelContext context;

    ReplicatorRoutes(StorageNodes nodes, int consumers) {
        this.nodes = nodes;
        this.consumers = Math.max(1, consumers);
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
        if (c != null) {
            add(c, node);
        }
    }

    @Override
    public void stop(String node) {
        CamelContext c = context;
        for (int i = 0; c != null && i < consumers; i++) {
            String id = routeId(node, i);
            if (c.getRoute(id) != null) {
                try {
                    c.getRouteController().stopRoute(id);
                    c.removeRoute(id);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot stop the replicator of " + node + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private void add(CamelContext context, String node) {
        for (int i = 0; i < consumers; i++) {
            if (context.getRoute(routeId(node, i)) == null) {
                TemplatedRouteBuilder.builder(context, "replicator")
                        .routeId(routeId(node, i))
                        .parameter("node", node)
                        .parameter("instance", String.valueOf(i))
                        .add();
            }
        }
    }

    private static String routeId(String node, int instance) {
        return "replicate-" + node + "-" + instance;
    }
}
