package io.caravan.processors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MetricsHistoryTest {

    @Test
    void should_turn_totals_into_rates_and_keep_the_last_samples() {
        MetricsHistory h = new MetricsHistory(3);
        h.add(10_000, 0, 0, Map.of("g1-a", 0L)); // the baseline
        h.add(15_000, 10, 50, Map.of("g1-a", 0L));
        h.add(20_000, 10, 100, Map.of("g1-a", 4L));
        Map<String, Long> unknown = new HashMap<>();
        unknown.put("g1-a", null);
        unknown.put("g1-c", 2L); // a node added meanwhile
        h.add(25_000, 30, 100, unknown);
        h.add(30_000, 30, 105, Map.of("g1-a", 0L, "g1-c", 0L));
        Map<String, Object> c = h.columns();
        assertEquals(List.of(20L, 25L, 30L), c.get("t"), "the last three, in epoch seconds");
        assertEquals(List.of(0.0, 4.0, 0.0), c.get("uploads"));
        assertEquals(List.of(10.0, 0.0, 1.0), c.get("gets"));
        @SuppressWarnings("unchecked")
        Map<String, List<Long>> lag = (Map<String, List<Long>>) c.get("lag");
        assertEquals(Arrays.asList(4L, null, 0L), lag.get("g1-a"));
        assertEquals(Arrays.asList(null, 2L, 0L), lag.get("g1-c"));
    }
}
