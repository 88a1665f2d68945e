package io.caravan.processors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CaravanMetricsTest {

    @Test
    void should_count_gets_by_node_and_transport_and_requests_by_route_and_status() {
        try (CaravanMetrics m = new CaravanMetrics(true)) {
            m.served("g1-a", CaravanMetrics.Transport.SENDFILE, 1000);
            m.served("g1-a", CaravanMetrics.Transport.SENDFILE, 24);
            m.served("s3-a", CaravanMetrics.Transport.RELAY, 5);
            m.request("stream", 206, 3_000_000);
            m.request("stream", 206, 40_000_000);
            m.uploaded("g1", 64);
            m.hookRejected("no-exe");
            m.scrubbed(10, 1, 2, 3, 0, 4);
            String text = m.scrape();
            assertTrue(text.contains("caravan_gets_total{node=\"g1-a\",transport=\"sendfile\"} 2.0"), text);
            assertTrue(text.contains("caravan_get_bytes_total{node=\"g1-a\",transport=\"sendfile\"} 1024.0"), text);
            assertTrue(text.contains("caravan_gets_total{node=\"s3-a\",transport=\"relay\"} 1.0"), text);
            assertTrue(text.contains("caravan_http_requests_seconds_bucket{route=\"stream\",status=\"206\",le=\"0.005\"} 1"), text);
            assertTrue(text.contains("caravan_http_requests_seconds_bucket{route=\"stream\",status=\"206\",le=\"0.05\"} 2"), text);
            assertTrue(text.contains("caravan_http_requests_seconds_count{route=\"stream\",status=\"206\"} 2"), text);
            assertTrue(text.contains("caravan_uploads_total{group=\"g1\"} 1.0"), text);
            assertTrue(text.contains("caravan_upload_bytes_total{group=\"g1\"} 64.0"), text);
            assertTrue(text.contains("caravan_hook_rejections_total{hook=\"no-exe\"} 1.0"), text);
            assertTrue(text.contains("caravan_scrub_checked_total 10.0"), text);
            assertTrue(text.contains("caravan_scrub_orphans_total 4.0"), text);
        }
    }

    @Test
    void should_count_nothing_when_off() {
        try (CaravanMetrics m = new CaravanMetrics(false)) {
            m.jvm();
            m.served("g1-a", CaravanMetrics.Transport.STREAM, 10);
            m.request("stream", 200, 1);
            assertEquals("", m.scrape());
            assertTrue(m.registry().getMeters().isEmpty());
        }
    }
}
