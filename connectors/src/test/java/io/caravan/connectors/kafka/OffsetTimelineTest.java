package io.caravan.connectors.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class OffsetTimelineTest {

    private final OffsetTimeline timeline = new OffsetTimeline(Duration.ofMinutes(10));

    @Test
    void should_be_zero_behind_at_the_end_and_for_an_unknown_partition() {
        timeline.record(0, 100, 1_000);
        timeline.record(0, 100, 5_000);
        assertEquals(0, timeline.secondsBehind(0, 100, 9_000));
        assertEquals(0, timeline.secondsBehind(0, 120, 9_000), "a committed offset past the last end seen");
        assertEquals(0, timeline.secondsBehind(7, 3, 9_000));
    }

    @Test
    void should_date_the_next_event_between_the_samples_around_it() {
        timeline.record(0, 100, 1_000);
        timeline.record(0, 100, 2_000); // still 100 at 2 s
        timeline.record(0, 110, 4_000); // ten events between 2 s and 4 s
        timeline.record(0, 110, 6_000);
        // offset 100 is the first of those ten: 2 s + 2 s * 1/10 = 2.2 s; seen at 10 s
        assertEquals(7.8, timeline.secondsBehind(0, 100, 10_000), 1e-9);
        // offset 109 is the last: appended by 4 s
        assertEquals(6.0, timeline.secondsBehind(0, 109, 10_000), 1e-9);
    }

    @Test
    void should_measure_from_the_oldest_sample_when_the_event_is_older_than_all_of_them() {
        timeline.record(3, 50, 20_000);
        timeline.record(3, 60, 30_000);
        assertEquals(15.0, timeline.secondsBehind(3, 10, 35_000), 1e-9, "at least since the first sample, which had it");
    }

    @Test
    void should_forget_samples_older_than_its_window_but_one() {
        OffsetTimeline short_ = new OffsetTimeline(Duration.ofSeconds(10));
        short_.record(0, 10, 0);
        short_.record(0, 20, 1_000);
        short_.record(0, 30, 2_000);
        short_.record(0, 40, 60_000); // the first two are out of the window
        // kept: 30 first seen at 2 s (the lower bound) and 40 at 60 s; offset 25 is older than both
        assertEquals(58.0, short_.secondsBehind(0, 25, 60_000), 1e-9);
        // offset 30 is the first of the ten between 2 s and 60 s: 2 + 58 / 10 = 7.8 s
        assertEquals(52.2, short_.secondsBehind(0, 30, 60_000), 1e-9);
    }
}
