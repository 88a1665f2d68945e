package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@code bench/run.sh --smoke}: the benchmark harness still runs end to end and prints its table and chart. */
class BenchSmokeIT {

    @Test
    void should_run_the_benchmark_harness_end_to_end() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/wrk")) && NginxProcess.installed(), "wrk and nginx not installed");
        Process p = new ProcessBuilder("bash", "bench/run.sh", "--smoke").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(8, TimeUnit.MINUTES), "smoke run timed out");
        assertEquals(0, p.exitValue(), out);
        // twelve figures against a reference (among them uploads with a trivial hook against none, HLS segments, metrics on
        // against off, S3 redirect against proxy), each with a positive number for both sides and a ratio
        Matcher row = Pattern.compile("\\| [^|]+ \\| [^|]+ \\| ([0-9.]+) \\| ([0-9.]+) \\| ([0-9.]+) \\|").matcher(out);
        int rows = 0;
        while (row.find()) {
            rows++;
            assertTrue(Double.parseDouble(row.group(1)) > 0 && Double.parseDouble(row.group(2)) > 0, row.group());
        }
        assertEquals(12, rows, out);
        assertTrue(Pattern.compile("\\| GET 64 KB with metrics on, against the same with metrics off[^|]*\\| Caravan, metrics off \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\| >= 0.95").matcher(out).find(), out);
        assertTrue(Pattern.compile("\\| GET \\d+ MiB from an S3 node, redirect read mode").matcher(out).find(), out);
        assertTrue(Pattern.compile("HLS of the 10 s sample clip .* p50 \\d+ ms, p95 \\d+ ms \\(2 uploads").matcher(out).find(), out);
        assertTrue(Pattern.compile("first byte of an HLS segment .* p95 Caravan [0-9.]+ ms, nginx [0-9.]+ ms").matcher(out).find(), out);
        // poster latency of the video-poster recipe, both smoke uploads with a poster
        Matcher poster = Pattern.compile("p50 (\\d+) ms, p95 (\\d+) ms, max (\\d+) ms \\((\\d+) uploads").matcher(out);
        assertTrue(poster.find() && Integer.parseInt(poster.group(4)) == 2 && Integer.parseInt(poster.group(1)) > 0, out);
        // the lag of the copies made under the upload load, and both big downloads complete under -Xmx256m
        Matcher lag = Pattern.compile("p50 (\\d+) ms, p99 (\\d+) ms \\((\\d+) copies;").matcher(out);
        assertTrue(lag.find() && Integer.parseInt(lag.group(3)) > 0, out);
        assertTrue(out.contains("both downloads complete: yes"), out);
        // live: each 2 s segment's latency on Caravan's ingest gateway, a second gateway and nginx-rtmp
        java.util.regex.Matcher live = Pattern.compile("first listed by (caravan|caravan-b|nginx-rtmp) \\| p50 (\\d+) ms, p99 (\\d+) ms \\((\\d+) segments\\)")
                .matcher(out);
        int liveRows = 0;
        while (live.find()) {
            assertTrue(Integer.parseInt(live.group(4)) >= 3 && Integer.parseInt(live.group(2)) > 0, live.group());
            liveRows++;
        }
        assertEquals(3, liveRows, out);
        assertTrue(Pattern.compile("32 players on the ingest gateway during the push \\| \\d+ requests, \\d+ errors").matcher(out).find(), out);
        assertTrue(Files.readString(Path.of("bench/work/results/latest.svg")).startsWith("<svg"), "chart written");
    }
}
