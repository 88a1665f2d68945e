package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The test parser of the Prometheus text format is strict: what it accepts, and each thing it refuses. */
class PrometheusTextTest {

    private static final String GOOD = """
            # HELP caravan_node_state 1 for the node's current state
            # TYPE caravan_node_state gauge
            caravan_node_state{group="g1",node="g1-a",state="ACTIVE"} 1.0
            caravan_node_state{group="g1",node="g1-a",state="OFFLINE"} 0.0
            # TYPE caravan_uploads_total counter
            caravan_uploads_total{group="g1"} 3.0
            # TYPE caravan_http_requests_seconds histogram
            caravan_http_requests_seconds_bucket{route="upload",status="201",le="0.01"} 1
            caravan_http_requests_seconds_bucket{route="upload",status="201",le="+Inf"} 3
            caravan_http_requests_seconds_count{route="upload",status="201"} 3
            caravan_http_requests_seconds_sum{route="upload",status="201"} 0.25
            # TYPE caravan_node_free_bytes gauge
            caravan_node_free_bytes{node="s3-a",note="a \\"quoted\\" \\\\ value"} NaN
            """;

    @Test
    void should_read_samples_labels_and_values() {
        PrometheusText p = PrometheusText.parse(GOOD);
        assertEquals(1.0, p.value("caravan_node_state", Map.of("node", "g1-a", "state", "ACTIVE")));
        assertEquals(3.0, p.value("caravan_uploads_total", Map.of()));
        assertEquals(3.0, p.sum("caravan_http_requests_seconds_count", Map.of("route", "upload")));
        assertTrue(Double.isNaN(p.value("caravan_node_free_bytes", Map.of("note", "a \"quoted\" \\ value"))));
        assertEquals("histogram", p.types.get("caravan_http_requests_seconds"));
    }

    @Test
    void should_refuse_what_the_format_does_not_allow() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan_x{a=\"1\"} 1\ncaravan_x{a=\"1\"} 2\n"),
                "a series twice");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan-x 1\n"), "a bad name");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan_x{a=1} 1\n"), "an unquoted label value");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan_x one\n"), "a value that is not a number");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan_x 1\ncaravan_y 1\ncaravan_x{a=\"b\"} 1\n"),
                "a family's samples apart");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("caravan_x 1\n# TYPE caravan_x gauge\n"),
                "TYPE after the samples");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(GOOD.replace("le=\"0.01\"} 1", "le=\"0.01\"} 5")),
                "buckets that are not cumulative");
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(GOOD.replace("_count{route=\"upload\",status=\"201\"} 3",
                "_count{route=\"upload\",status=\"201\"} 4")), "a +Inf bucket unequal to the count");
    }
}
