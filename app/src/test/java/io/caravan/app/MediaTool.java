package io.caravan.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

/** ffmpeg and ffprobe for tests: media made on the spot, and what ffprobe reads of a file or URL. */
final class MediaTool {

    private MediaTool() {
    }

    /** Runs {@code command}; returns its output (stdout and stderr), failing the test unless it exits 0. */
    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs ffmpeg quietly with {@code args}, overwriting its output. */
    static void ffmpeg(String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"));
        c.addAll(List.of(args));
        run(c.toArray(String[]::new));
    }

    /** ffprobe's JSON ({@code format}, {@code streams}) of a file or URL. */
    static JsonNode probe(String input) throws IOException, InterruptedException {
        String json = run("ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", input);
        return TestClient.JSON.readTree(json.substring(json.indexOf('{')));
    }

    /**
     * A {@code seconds}-long H.264 video of {@code width}x{@code height} whose colour is red until 0.8 s, green until
     * 1.2 s, then blue (so the frame at 10% of 10 s is green), with a 1 s GOP; {@code moovAtStart} picks where the
     * index goes.
     */
    static Path colourVideo(Path out, int width, int height, double seconds, boolean moovAtStart) throws IOException, InterruptedException {
        String size = width + "x" + height;
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "color=c=red:s=" + size + ":r=25:d=0.8",
                "-f", "lavfi", "-i", "color=c=green:s=" + size + ":r=25:d=0.4",
                "-f", "lavfi", "-i", "color=c=blue:s=" + size + ":r=25:d=" + (seconds - 1.2),
                "-filter_complex", "[0:v][1:v][2:v]concat=n=3:v=1[v]", "-map", "[v]",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "25"));
        if (moovAtStart) {
            args.addAll(List.of("-movflags", "+faststart"));
        }
        args.add(out.toString());
        ffmpeg(args.toArray(String[]::new));
        return out;
    }
}
