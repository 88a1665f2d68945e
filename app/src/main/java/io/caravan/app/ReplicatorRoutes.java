package io.caravan.app;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Creates one replicator route per storage node ({@code replicate-<node>}) from the {@code replicator}
 * route template in {@code routes/replicate.camel.yaml}, once the YAML routes are loaded.
 */
final class ReplicatorRoutes implements StartupListener {

    private final StorageNodes nodes;

    ReplicatorRoutes(StorageNodes nodes) {
        this.nodes = nodes;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        for (StorageNode n : nodes.all()) {
            TemplatedRouteBuilder.builder(context, "replicator")
                    .routeId("replicate-" + n.name())
                    .parameter("node", n.name())
                    .add();
        }
    }
}
