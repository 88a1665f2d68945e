package io.caravan.connectors.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When a topic's partitions reached each end offset, from the end offsets seen over time: how old a consumer's next
 * event is, so lag in events becomes lag in seconds (the interpolation kafka-lag-exporter uses).
 */
public class OffsetTimeline {

    /** End offset {@code end} first seen at {@code first}, still the end at {@code last}. */
    private static final class Sample {
        final long end;
        final long first;
        long last;

        Sample(long end, long at) {
            this.end = end;
            this.first = at;
            this.last = at;
        }
    }

    private static final int MAX_SAMPLES = 4096;

    private final long keepMillis;
    private final Map<Integer, List<Sample>> samples = new HashMap<>();

    /** @param keep how long samples are kept: lag older than that shows as at least this long */
    public OffsetTimeline(Duration keep) {
        this.keepMillis = keep.toMillis();
    }

    /** Partition {@code partition}'s end offset was {@code end} at {@code nowMillis}. */
    public synchronized void record(int partition, long end, long nowMillis) {
        List<Sample> list = samples.computeIfAbsent(partition, p -> new ArrayList<>());
        Sample last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (last != null && last.end == end) {
            last.last = nowMillis;
        } else {
            list.add(new Sample(end, nowMillis));
        }
        // old samples go, keeping one older than the window as the lower bound of what follows it
        while (list.size() > 2 && (nowMillis - list.get(1).last > keepMillis || list.size() > MAX_SAMPLES)) {
            list.remove(0);
        }
    }

    /**
     * Seconds since the event at {@code committed} (a consumer's next one) was appended to {@code partition}, at
     * {@code nowMillis}: 0 when the consumer is at the end, interpolated between the last sample that did not have it
     * and the first that did, and measured from the first sample when every sample has it (a lower bound).
     */
    public synchronized double secondsBehind(int partition, long committed, long nowMillis) {
        List<Sample> list = samples.get(partition);
        if (list == null || list.isEmpty() || committed >= list.get(list.size() - 1).end) {
            return 0;
        }
        Sample before = null;
        for (Sample s : list) {
            if (s.end > committed) {
                double appended;
                if (before == null) {
                    appended = s.first;
                } else {
                    // the events after before.end came between before.last and s.first, evenly
                    double share = (double) (committed - before.end + 1) / (s.end - before.end);
                    appended = before.last + (s.first - before.last) * share;
                }
                return Math.max(0, nowMillis - appended) / 1000.0;
            }
            before = s;
        }
        return 0;
    }
}
