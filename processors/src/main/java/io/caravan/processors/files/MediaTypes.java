package io.caravan.processors.files;

import java.util.Map;


/** Media types for the extensions players care about, used when an upload does not say. */
public final class MediaTypes {

    public static final String OCTET_STREAM = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("mp3", "audio/mpeg"), Map.entry("m4a", "audio/mp4"), Map.entry("aac", "audio/aac"),
            Map.entry("flac", "audio/flac"), Map.entry("ogg", "audio/ogg"), Map.entry("oga", "audio/ogg"),
            Map.entry("opus", "audio/ogg"), Map.entry("wav", "audio/wav"), Map.entry("mp4", "video/mp4"),
            Map.entry("m4v", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("ogv", "video/ogg"), Map.entry("mkv", "video/x-matroska"),
            Map.entry("mov", "video/quicktime"), Map.entry("ts", "video/mp2t"),
            Map.entry("m3u8", "application/vnd.apple.mpegurl"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"), Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"), Map.entry("txt", "text/plain"), Map.entry("json", "application/json"),
            Map.entry("pdf", "application/pdf"));

    private MediaTypes() {
    }

    /** The media type for {@code name}'s extension, or {@code application/octet-stream}. */
    public static String forName(String name) {
        return BY_EXTENSION.getOrDefault(FileIds.extensionOf(name), OCTET_STREAM);
    }

    /**
     * The type to record for an upload: the client's, unless it is missing or one that says nothing
     * about the content (curl's form default, octet-stream), then the one the name suggests.
     */
    public static String forUpload(String declared, String name) {
        if (declared == null || declared.isBlank()) {
            return forName(name);
        }
        String base = declared.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (base.equals("application/x-www-form-urlencoded") || base.equals(OCTET_STREAM) || !base.contains("/")) {
            return forName(name);
        }
        return declared.trim();
    }
}
