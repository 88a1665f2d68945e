package io.caravan.connectors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process rules, with {@code sh} standing in for ffmpeg (no media tool needed): the exit code is checked,
 * a hung process is stopped, arguments with spaces stay whole, and no more than the allowed number run at once.
 */
class FfmpegTest {

    @TempDir
    Path dir;

    /** A stand-in "ffmpeg": {@code sh -c <script>} with the arguments after it. */
    private Path script(String body) throws Exception {
        Path s = dir.resolve("tool.sh");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        s.toFile().setExecutable(true);
        return s;
    }

    @Test
    void should_fail_with_the_last_lines_when_the_exit_code_is_not_zero() throws Exception {
        Ffmpeg f = new Ffmpeg(script("echo 'Invalid data found when processing input' >&2; exit 1").toString(), "ffprobe", 1, Duration.ofSeconds(10));
        Ffmpeg.MediaToolException e = assertThrows(Ffmpeg.MediaToolException.class, () -> f.run(List.of("-i", "x")));
        assertTrue(e.getMessage().contains("exited with 1") && e.getMessage().contains("Invalid data found"), e.getMessage());
    }

    @Test
    void should_stop_a_process_that_hangs() throws Exception {
        Ffmpeg f = new Ffmpeg(script("sleep 30").toString(), "ffprobe", 1, Duration.ofMillis(300));
        long t0 = System.nanoTime();
        Ffmpeg.MediaToolException e = assertThrows(Ffmpeg.MediaToolException.class, () -> f.run(List.of()));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "stopped, not waited for");
    }

    @Test
    void should_pass_an_argument_with_spaces_as_one() throws Exception {
        Path out = dir.resolve("args.txt");
        // the tool writes each argument on its own line; ffmpeg's fixed options come first
        Ffmpeg f = new Ffmpeg(script("for a in \"$@\"; do echo \"$a\" >> '" + out + "'; done").toString(), "ffprobe", 1, Duration.ofSeconds(10));
        f.run(List.of("-i", "My Song - Live (1999).flac", "out put.m4a"));
        List<String> args = Files.readAllLines(out);
        assertEquals(List.of("-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", "My Song - Live (1999).flac", "out put.m4a"), args);
    }

    @Test
    void should_run_no_more_than_the_allowed_number_at_once() throws Exception {
        Path log = dir.resolve("runs.txt");
        // each run appends "start", waits, appends "end": with one slot the lines alternate
        Ffmpeg f = new Ffmpeg(script("echo start >> '" + log + "'; sleep 0.2; echo end >> '" + log + "'").toString(), "ffprobe", 1,
                Duration.ofSeconds(10));
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Object>> runs = pool.invokeAll(List.of(() -> { f.run(List.of()); return null; },
                    () -> { f.run(List.of()); return null; }, () -> { f.run(List.of()); return null; }));
            for (Future<Object> r : runs) {
                r.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(List.of("start", "end", "start", "end", "start", "end"), Files.readAllLines(log));
    }

    @Test
    void should_read_the_duration_that_ffprobe_prints() throws Exception {
        Ffmpeg f = new Ffmpeg("ffmpeg", script("echo 10.010000").toString(), 1, Duration.ofSeconds(10));
        assertEquals(10.01, f.duration("clip.mp4"), 1e-9);
        Ffmpeg none = new Ffmpeg("ffmpeg", script("echo N/A").toString(), 1, Duration.ofSeconds(10));
        assertThrows(Ffmpeg.MediaToolException.class, () -> none.duration("clip.mp4"));
    }
}
