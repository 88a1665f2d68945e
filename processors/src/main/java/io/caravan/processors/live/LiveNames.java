package io.caravan.processors.live;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.caravan.processors.support.InvalidInputException;

/** The names of live streams and of the files in a stream's folder, and the content type each extension gives. */
public final class LiveNames {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /** What may be PUT into a stream's folder, by extension. */
    public static final Map<String, String> TYPES = Map.of(
            "m3u8", "application/vnd.apple.mpegurl",
            "ts", "video/mp2t",
            "m4s", "video/iso.segment",
            "mp4", "video/mp4",
            "m4a", "audio/mp4",
            "m4v", "video/mp4",
            "aac", "audio/aac",
            "vtt", "text/vtt");

    private LiveNames() {
    }

    /** {@code name} when it is a stream name ({@code [A-Za-z0-9._-]{1,128}}, not {@code .} or {@code ..}). */
    public static String stream(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new InvalidInputException("a stream name is 1 to 128 of A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /** {@code name} when it is a file name of a stream's folder with a known extension ({@link #TYPES}). */
    public static String file(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new InvalidInputException("a live file name is 1 to 128 of A-Z a-z 0-9 . _ - (not " + (name == null ? "none" : name) + ")");
        }
        if (!TYPES.containsKey(extension(name))) {
            throw new InvalidInputException(name + ": a live file is one of ." + String.join(", .", new java.util.TreeSet<>(TYPES.keySet())));
        }
        return name;
    }

    /** {@code true} for a playlist name. */
    public static boolean isPlaylist(String name) {
        return "m3u8".equals(extension(name));
    }

    /** The content type of live file {@code name}. */
    public static String type(String name) {
        return TYPES.get(extension(name));
    }

    private static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
