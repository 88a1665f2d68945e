package io.caravan.processors.tracker;

import java.time.Duration;
import java.util.Map;

/**
 * How the tracker judges nodes: missed heartbeats before OFFLINE ({@code caravan.tracker.offline-after}),
 * how long one probe may take ({@code caravan.tracker.probe-timeout}), and the free bytes under which a
 * node turns READONLY ({@code caravan.storage.reserve-bytes}, per node {@code caravan.storage.node.<name>.reserve-bytes}).
 */
public record TrackerSettings(int offlineAfter, Duration probeTimeout, long reserveBytes, Map<String, Long> nodeReserve) {

    public TrackerSettings {
        if (offlineAfter < 1) {
            throw new IllegalArgumentException("offline-after must be at least 1");
        }
        nodeReserve = Map.copyOf(nodeReserve);
    }
}
