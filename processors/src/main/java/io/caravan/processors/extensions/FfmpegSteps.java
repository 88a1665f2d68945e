package io.caravan.processors.extensions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.caravan.connectors.media.Ffmpeg;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The ffmpeg steps extension routes call (bean {@code ffmpeg}): ffmpeg reads a stored file from this gateway
 * (by HTTP, with ranges, from whichever node holds it; signed when signed URLs are on) and writes one output
 * file, which the route stores as a derived file. The output is deleted when the exchange is done.
 */
public class FfmpegSteps {

    private static final Pattern SUFFIX = Pattern.compile("[a-z0-9]{1,8}");

    private final Ffmpeg ffmpeg;
    private final StoredFiles files;
    private final Path workDir;

    /** @param workDir where outputs are written ({@code caravan.media.work-dir}); created when missing, emptied of old outputs */
    public FfmpegSteps(Ffmpeg ffmpeg, StoredFiles files, Path workDir) throws IOException {
        this.ffmpeg = ffmpeg;
        this.files = files;
        this.workDir = workDir;
        Files.createDirectories(workDir);
        try (var old = Files.list(workDir)) {
            for (Path p : old.filter(f -> f.getFileName().toString().startsWith("ffmpeg-")).toList()) {
                Files.deleteIfExists(p); // left by a run that did not finish (a crash)
            }
        }
    }


    /** The duration of the stored file {@code id}, in seconds. */
    public double duration(@Header(CaravanHeaders.EVENT_FILE_ID) String id) throws IOException, InterruptedException {
        return ffmpeg.duration(files.url(id));
    }

    /** The time {@code fraction} (0 to 1) into the stored file {@code id}, in seconds with millisecond precision. */
    public String timeAt(@Header(CaravanHeaders.EVENT_FILE_ID) String id, double fraction) throws IOException, InterruptedException {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new InvalidInputException("a fraction of the duration is between 0 and 1, not " + fraction);
        }
        return String.format(java.util.Locale.ROOT, "%.3f", ffmpeg.duration(files.url(id)) * fraction);
    }

    /**
     * Runs ffmpeg with {@code args} split at spaces, where the argument {@code {input}} is the stored file
     * ({@code input} when given, else the file {@code id} on this gateway) and {@code {output}} a new file ending
     * in {@code .<suffix>}; returns the output's path (as text: a {@code Path} body would be read as the file's
     * content by the next step that wants text), deleted once the exchange is done.
     */
    public String run(@Header(CaravanHeaders.EVENT_FILE_ID) String id, @Header(CaravanHeaders.FFMPEG_INPUT) String input,
                    @Header(CaravanHeaders.FFMPEG_ARGS) String args, @Header(CaravanHeaders.FFMPEG_OUTPUT) String suffix,
                    Exchange exchange) throws IOException, InterruptedException {
        if (args == null || args.isBlank()) {
            throw new InvalidInputException("header " + CaravanHeaders.FFMPEG_ARGS + " (ffmpeg's arguments) is missing");
        }
        if (suffix == null || !SUFFIX.matcher(suffix).matches()) {
            throw new InvalidInputException("header " + CaravanHeaders.FFMPEG_OUTPUT + " is the output's suffix, such as jpg, not " + suffix);
        }
        String source = input != null ? input : files.url(requireId(id));
        Path out = Files.createTempFile(workDir, "ffmpeg-", "." + suffix);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // the work folder is emptied of old outputs at the next start
                }
            }
        });
        ffmpeg.run(arguments(args, source, out.toString()));
        if (Files.size(out) == 0) {
            throw new Ffmpeg.MediaToolException("ffmpeg wrote nothing for " + source);
        }
        return out.toString();
    }

    /** {@code args} split at runs of spaces, with {@code {input}} and {@code {output}} put in as whole arguments. */
    static List<String> arguments(String args, String input, String output) {
        List<String> list = new ArrayList<>();
        for (String a : args.trim().split("\\s+")) {
            list.add(a.replace("{input}", input).replace("{output}", output));
        }
        if (!list.contains(output)) {
            throw new InvalidInputException("ffmpeg's arguments name no {output}: " + args);
        }
        return list;
    }

    private static String requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidInputException("header " + CaravanHeaders.EVENT_FILE_ID + " (the file ffmpeg reads) is missing");
        }
        return id;
    }
}
