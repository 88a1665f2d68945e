package io.caravan.processors.media;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How HLS files are named: in URLs ({@code /files/{id}/hls/master.m3u8}, {@code source.m3u8}, {@code source.mp4})
 * and as derived-file kinds of their source ({@code hls}, {@code hls-source}, {@code hls-source-media}).
 */
public final class HlsFiles {

    public static final String MASTER = "master.m3u8";
    public static final String MASTER_KIND = "hls";
    public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final Pattern RUNG = Pattern.compile("(source|audio|\\d{3,4}p)");

    private HlsFiles() {
    }

    /** The derived-file kind of rendition {@code rung}'s playlist. */
    public static String playlistKind(String rung) {
        return "hls-" + rung;
    }

    /** The derived-file kind of rendition {@code rung}'s media file. */
    public static String mediaKind(String rung) {
        return "hls-" + rung + "-media";
    }

    /** The kind behind an HLS file name of a URL ({@code master.m3u8}, {@code 720p.m3u8}, {@code 720p.mp4}), if it is one. */
    public static Optional<String> kindOf(String fileName) {
        if (MASTER.equals(fileName)) {
            return Optional.of(MASTER_KIND);
        }
        int dot = fileName == null ? -1 : fileName.lastIndexOf('.');
        if (dot <= 0 || !RUNG.matcher(fileName.substring(0, dot)).matches()) {
            return Optional.empty();
        }
        String rung = fileName.substring(0, dot);
        return switch (fileName.substring(dot + 1)) {
            case "m3u8" -> Optional.of(playlistKind(rung));
            case "mp4" -> Optional.of(mediaKind(rung));
            default -> Optional.empty();
        };
    }

    /** {@code true} for a playlist name. */
    public static boolean isPlaylist(String fileName) {
        return fileName.endsWith(".m3u8");
    }

    /** {@code true} for the derived kinds HLS packaging makes. */
    public static boolean isHlsKind(String kind) {
        return kind.equals(MASTER_KIND) || kind.startsWith("hls-");
    }

    static boolean isVideo(String contentType) {
        String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("video/");
    }

    static boolean isAudio(String contentType) {
        String t = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("audio/");
    }
}
