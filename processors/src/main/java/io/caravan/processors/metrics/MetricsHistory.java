package io.caravan.processors.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own recent samples for the status page's charts: upload and GET rates and each node's
 * replication lag, one sample per {@code caravan.metrics.sample-interval}, the last {@code window} of them.
 */
public class MetricsHistory {

    /** One sample: when, the rates since the one before, each node's lag in events (null: unknown). */
    public record Sample(long epochMillis, double uploadsPerSecond, double getsPerSecond, Map<String, Long> lag) {
    }

    private final int capacity;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long lastMillis = -1;
    private double lastUploads;
    private double lastGets;

    /** @param capacity how many samples are kept (10 minutes of them) */
    public MetricsHistory(int capacity) {
        this.capacity = Math.max(2, capacity);
    }

    /** Adds a sample from the counters' totals at {@code epochMillis}; the first only sets the baseline. */
    public synchronized void add(long epochMillis, double uploadsTotal, double getsTotal, Map<String, Long> lag) {
        if (lastMillis >= 0 && epochMillis > lastMillis) {
            double seconds = (epochMillis - lastMillis) / 1000.0;
            samples.addLast(new Sample(epochMillis, Math.max(0, uploadsTotal - lastUploads) / seconds,
                    Math.max(0, getsTotal - lastGets) / seconds, Map.copyOf(withoutNulls(lag))));
            while (samples.size() > capacity) {
                samples.removeFirst();
            }
        }
        lastMillis = epochMillis;
        lastUploads = uploadsTotal;
        lastGets = getsTotal;
    }

    private static Map<String, Long> withoutNulls(Map<String, Long> lag) {
        Map<String, Long> out = new LinkedHashMap<>();
        lag.forEach((k, v) -> out.put(k, v == null ? -1L : v));
        return out;
    }

    /**
     * The samples as columns, as uPlot draws them: {@code t} (epoch seconds), {@code uploads}, {@code gets} and
     * {@code lag} by node (null where a node was unknown or not yet there).
     */
    public synchronized Map<String, Object> columns() {
        List<Long> t = new ArrayList<>();
        List<Double> uploads = new ArrayList<>();
        List<Double> gets = new ArrayList<>();
        Map<String, List<Long>> lag = new LinkedHashMap<>();
        int i = 0;
        for (Sample s : samples) {
            t.add(s.epochMillis() / 1000);
            uploads.add(round(s.uploadsPerSecond()));
            gets.add(round(s.getsPerSecond()));
            for (Map.Entry<String, Long> e : s.lag().entrySet()) {
                List<Long> column = lag.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                while (column.size() < i) {
                    column.add(null);
                }
                column.add(e.getValue() < 0 ? null : e.getValue());
            }
            i++;
            for (List<Long> column : lag.values()) {
                while (column.size() < i) {
                    column.add(null);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("t", t);
        out.put("uploads", uploads);
        out.put("gets", gets);
        out.put("lag", lag);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
