package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void should_show_bytes_percent_rate_and_eta() {
        assertEquals("song.mp3  1.0 MiB / 4.0 MiB  25%  1.0 MiB/s  ETA 0:03",
                Progress.line("song.mp3", 1 << 20, 4 << 20, 1 << 20, SECOND));
    }

    @Test
    void should_leave_bytes_that_were_already_there_out_of_the_rate() {
        assertEquals("song.mp3  3.0 MiB / 4.0 MiB  75%  512.0 KiB/s  ETA 0:02",
                Progress.line("song.mp3", 3 << 20, 4 << 20, 1 << 20, 2 * SECOND));
    }

    @Test
    void should_show_no_eta_before_any_byte_and_no_total_when_unknown() {
        assertEquals("a  0 B / 100 B  0%  0 B/s  ETA -:--", Progress.line("a", 0, 100, 0, SECOND));
        assertEquals("a  100 B  100 B/s", Progress.line("a", 100, -1, 100, SECOND));
        assertEquals("a  0 B / 0 B  100%  0 B/s  ETA 0:00", Progress.line("a", 0, 0, 0, SECOND));
    }

    @Test
    void should_redraw_in_place_at_most_ten_times_a_second_and_end_the_line() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(err, true, StandardCharsets.UTF_8), "f", 1000);
        for (int i = 0; i < 1000; i++) {
            progress.add(1);
        }
        progress.finish();

        String drawn = err.toString(StandardCharsets.UTF_8);
        long redraws = drawn.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 1 && redraws <= 3, "redrawn " + redraws + " times: " + drawn);
        assertTrue(drawn.endsWith("\n"));
        assertTrue(drawn.contains("f  1000 B / 1000 B  100%"), drawn);
    }

    @Test
    void should_draw_nothing_when_silent() {
        Progress progress = Progress.silent();
        progress.add(10);
        progress.finish();
    }
}
