package io.caravan.processors.api;

import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.NotFoundException;
import io.netty.handler.codec.http.FullHttpResponse;
import org.apache.camel.Header;

/** {@code GET /metrics}: the meters in the Prometheus text format, with an API key when {@code caravan.metrics.api-key} is on. */
public class MetricsApi {

    private final CaravanMetrics metrics;
    private final ApiKeys keys;
    private final boolean keyRequired;

    public MetricsApi(CaravanMetrics metrics, ApiKeys keys, boolean keyRequired) {
        this.metrics = metrics;
        this.keys = keys;
        this.keyRequired = keyRequired;
    }

    public FullHttpResponse scrape(@Header(CaravanHeaders.AUTHORIZATION) String authorization) {
        if (keyRequired) {
            keys.require(authorization);
        }
        if (!metrics.enabled()) {
            throw new NotFoundException("metrics are off (caravan.metrics.enabled=false)");
        }
        FullHttpResponse r = HttpResponses.text(200, CaravanMetrics.CONTENT_TYPE, metrics.scrape());
        r.headers().set("Cache-Control", "no-store");
        return r;
    }

    /** {@code GET /metrics/recent}: this gateway's last 10 minutes of upload and GET rates and lag per node, for the status page. */
    public FullHttpResponse recent() {
        FullHttpResponse r = HttpResponses.json(200, metrics.recent());
        r.headers().set("Cache-Control", "no-store");
        return r;
    }
}
