package io.caravan.connectors.media;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs ffmpeg and ffprobe: arguments as a list (no shell, so names with spaces stay one argument), at most
 * {@code parallel} processes at once, each stopped after {@code timeout}, the exit code checked and the last
 * lines of its log kept for the error.
 */
public final class Ffmpeg {

    private static final Logger LOG = LoggerFactory.getLogger(Ffmpeg.class);
    private static final int LOG_LINES = 8;

    private final String ffmpeg;
    private final String ffprobe;
    private final Semaphore slots;
    private final Duration timeout;

    /**
     * @param ffmpeg   the ffmpeg program ({@code caravan.media.ffmpeg})
     * @param ffprobe  the ffprobe program ({@code caravan.media.ffprobe})
     * @param parallel how many may run at once ({@code caravan.media.ffmpeg-threads})
     * @param timeout  how long one may run ({@code caravan.media.ffmpeg-timeout})
     */
    public Ffmpeg(String ffmpeg, String ffprobe, int parallel, Duration timeout) {
        if (parallel < 1) {
            throw new IllegalArgumentException("at least one ffmpeg must be allowed to run, not " + parallel);
        }
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
        this.slots = new Semaphore(parallel, true);
        this.timeout = timeout;
    }

    /** Runs ffmpeg with {@code args} (after {@code -nostdin -hide_banner -loglevel error -y}). */
    public void run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(args);
        execute(command);
    }

    /** The duration of {@code input} (a path or URL) in seconds, as ffprobe reads it from the container. */
    public double duration(String input) throws IOException, InterruptedException {
        String out = execute(List.of(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", input)).trim();
        try {
            return Double.parseDouble(out);
        } catch (NumberFormatException e) {
            throw new MediaToolException("ffprobe found no duration in " + input + ": " + out);
        }
    }

    /** ffprobe's JSON description of {@code input}: {@code format} and {@code streams}. */
    public String probe(String input) throws IOException, InterruptedException {
        return execute(List.of(ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", input));
    }

    /** Runs {@code command} in a slot; returns what it printed (stdout and stderr); throws unless it exits 0 in time. */
    private String execute(List<String> command) throws IOException, InterruptedException {
        slots.acquire();
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            Deque<String> tail = new ArrayDeque<>();
            StringBuilder all = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (tail) {
                            if (all.length() < 1 << 20) {
                                all.append(line).append('\n');
                            }
                            tail.addLast(line);
                            if (tail.size() > LOG_LINES) {
                                tail.removeFirst();
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process went away: what it printed so far is kept
                }
            }, "ffmpeg-log");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new MediaToolException(command.get(0) + " took longer than " + timeout + " and was stopped");
            }
            reader.join(5000);
            synchronized (tail) {
                if (p.exitValue() != 0) {
                    throw new MediaToolException(command.get(0) + " exited with " + p.exitValue() + ": " + String.join(" | ", tail));
                }
                LOG.debug("{} done in {} ms", command, (System.nanoTime() - t0) / 1_000_000);
                return all.toString();
            }
        } catch (IOException e) {
            if (e instanceof MediaToolException) {
                throw e;
            }
            throw new MediaToolException("cannot run " + command.get(0) + ": " + e.getMessage());
        } finally {
            slots.release();
        }
    }

    /** ffmpeg or ffprobe could not run, failed, or took too long. */
    public static final class MediaToolException extends IOException {
        public MediaToolException(String message) {
            super(message);
        }
    }
}
