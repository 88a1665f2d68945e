package io.caravan.processors.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.support.NotFoundException;
import io.netty.handler.codec.http.FullHttpResponse;
import org.junit.jupiter.api.Test;

class MetricsApiTest {

    @Test
    void should_answer_the_text_format_with_a_key_only_when_one_is_required() {
        try (CaravanMetrics metrics = new CaravanMetrics(true)) {
            metrics.uploaded("g1", 10);
            ApiKeys keys = new ApiKeys("k1");
            FullHttpResponse open = new MetricsApi(metrics, keys, false).scrape(null);
            assertEquals(200, open.status().code());
            assertEquals(CaravanMetrics.CONTENT_TYPE, open.headers().get("Content-Type"));
            assertTrue(open.content().toString(StandardCharsets.UTF_8).contains("caravan_uploads_total{group=\"g1\"} 1.0"));
            open.release();

            MetricsApi guarded = new MetricsApi(metrics, keys, true);
            assertThrows(UnauthorizedException.class, () -> guarded.scrape(null));
            assertThrows(UnauthorizedException.class, () -> guarded.scrape("Bearer other"));
            FullHttpResponse keyed = guarded.scrape("Bearer k1");
            assertEquals(200, keyed.status().code());
            keyed.release();
        }
        try (CaravanMetrics off = new CaravanMetrics(false)) {
            assertThrows(NotFoundException.class, () -> new MetricsApi(off, new ApiKeys("k1"), false).scrape(null));
        }
    }
}
