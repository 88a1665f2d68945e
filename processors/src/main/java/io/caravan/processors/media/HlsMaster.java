package io.caravan.processors.media;

import java.util.List;
import java.util.Locale;

/** Writes the master playlist of a packaged file: one {@code #EXT-X-STREAM-INF} per rendition, URIs relative. */
final class HlsMaster {

    /** A made rendition: what was asked, its playlist, and what ffprobe reads of its media file. */
    record Variant(HlsRendition rendition, HlsPlaylist playlist, MediaProbe output) {
    }

    private HlsMaster() {
    }

    static String write(List<Variant> variants) {
        StringBuilder m = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (Variant v : variants) {
            m.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(v.playlist().peakBitsPerSecond())
                    .append(",AVERAGE-BANDWIDTH=").append(v.playlist().averageBitsPerSecond());
            MediaProbe.Video video = v.output().video();
            if (video != null) {
                m.append(",RESOLUTION=").append(video.width()).append('x').append(video.height());
                m.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", video.fps()));
            }
            m.append(",CODECS=\"").append(codecs(v.output())).append("\"\n");
            m.append(v.rendition().name()).append(".m3u8\n");
        }
        return m.toString();
    }

    /** The RFC 6381 codec names of a media file's streams, such as {@code avc1.64001e,mp4a.40.2}. */
    static String codecs(MediaProbe p) {
        StringBuilder c = new StringBuilder();
        if (p.video() != null) {
            c.append(avc1(p.video()));
        }
        if (p.audio() != null) {
            if (c.length() > 0) {
                c.append(',');
            }
            c.append(mp4a(p.audio()));
        }
        return c.toString();
    }

    static String avc1(MediaProbe.Video v) {
        String profile = switch (v.profile()) {
            case "Baseline" -> "4200";
            case "Constrained Baseline" -> "42e0";
            case "Main" -> "4d40";
            case "High 10" -> "6e00";
            case "High 4:2:2" -> "7a00";
            default -> "6400";
        };
        return "avc1." + profile + String.format(Locale.ROOT, "%02x", Math.max(0, Math.min(255, v.level())));
    }

    static String mp4a(MediaProbe.Audio a) {
        if ("mp3".equals(a.codec())) {
            return "mp4a.40.34";
        }
        return switch (a.profile()) {
            case "HE-AAC" -> "mp4a.40.5";
            case "HE-AACv2" -> "mp4a.40.29";
            default -> "mp4a.40.2";
        };
    }
}
