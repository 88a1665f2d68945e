package io.caravan.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transfer's progress line (bytes done/total, rate, ETA), redrawn in place with {@code \r} at most
 * ten times a second; silent when it has nowhere to draw. Safe to update from several threads.
 */
final class Progress {

    /** Starts the progress of one transfer. */
    @FunctionalInterface
    interface Factory {
        Progress start(String label, long total);
    }

    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_LABEL = 40;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long started = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private long lastDraw;
    private int lastWidth;

    /**
     * @param out   where to draw (a terminal's stderr), or null for a silent progress
     * @param label what is transferred, usually the file name
     * @param total the byte count when complete, or -1 when unknown
     */
    Progress(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label.length() > MAX_LABEL ? label.substring(0, MAX_LABEL - 1) + "…" : label;
        this.total = total;
    }

    /** A progress that draws nothing. */
    static Progress silent() {
        return new Progress(null, "", -1);
    }

    /** Counts bytes that were already there (a resumed download): done, but not part of the rate. */
    void skip(long bytes) {
        skipped.addAndGet(bytes);
        add(bytes);
    }

    /** Counts transferred bytes (negative to take back a failed attempt's). */
    void add(long bytes) {
        done.addAndGet(bytes);
        if (out != null) {
            draw(false);
        }
    }

    /** Draws the final state and ends the line. */
    void finish() {
        if (out != null) {
            draw(true);
            out.println();
        }
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        String text = line(label, done.get(), total, done.get() - skipped.get(), now - started);
        out.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
        out.flush();
        lastWidth = text.length();
    }

    /**
     * The progress line, e.g. {@code song.mp3  1.0 MiB / 4.0 MiB  25%  1.0 MiB/s  ETA 0:03}.
     *
     * @param transferred the bytes of {@code done} transferred in {@code elapsedNanos} (the rate's base)
     */
    static String line(String label, long done, long total, long transferred, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? transferred / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append("  ").append(Units.humanBytes(done));
        if (total >= 0) {
            sb.append(" / ").append(Units.humanBytes(total))
                    .append(String.format(Locale.ROOT, "  %d%%", total == 0 ? 100 : done * 100 / total));
        }
        sb.append("  ").append(Units.humanBytes((long) rate)).append("/s");
        if (total >= 0) {
            long left = Math.max(0, total - done);
            sb.append("  ETA ").append(left == 0 ? Units.clock(0) : rate > 0 ? Units.clock((long) Math.ceil(left / rate)) : "-:--");
        }
        return sb.toString();
    }
}
