package io.caravan.processors.api;

import io.caravan.processors.extensions.ExtensionFolder;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.replication.Scrubber;
import io.caravan.processors.tracker.ClusterStatus;
import io.netty.handler.codec.http.FullHttpResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The cluster's own endpoints (bean {@code clusterApi}): {@code GET /cluster}, {@code GET /health},
 * {@code POST /admin/scrub}, {@code GET /admin/extensions}.
 */
public class ClusterApi {

    private final ClusterStatus status;
    private final Scrubber scrubber;
    private final ExtensionFolder extensions;

    public ClusterApi(ClusterStatus status, Scrubber scrubber, ExtensionFolder extensions) {
        this.status = status;
        this.scrubber = scrubber;
        this.extensions = extensions;
    }

    /** Groups with their health, nodes with state, free space, files and lag. */
    public FullHttpResponse cluster() {
        return HttpResponses.json(200, Views.cluster(status.cluster()));
    }

    /** 200 {@code {"status":"UP"}} once the database, the broker and every route are ready, else 503. */
    public FullHttpResponse health(CamelContext context) {
        boolean routes = context.getRoutes().stream().filter(Route::isAutoStartup).map(Route::getId)
                .allMatch(id -> context.getRouteController().getRouteStatus(id).isStarted());
        ClusterStatus.Health health = status.health(routes);
        return HttpResponses.json(health.up() ? 200 : 503, Views.health(health));
    }

    /** Every file of the extension folder: its state, its routes, when it was loaded, why a version was refused. */
    public FullHttpResponse extensions() {
        return HttpResponses.json(200, Views.extensions(extensions.dir().toString(), extensions.extensions()));
    }

    /** Runs a scrub now and answers with its counts (409 while one runs). */
    public FullHttpResponse scrub() {
        return HttpResponses.json(200, Views.scrub(scrubber.scrub()));
    }
}
