package io.caravan.processors.media;

import java.util.ArrayList;
import java.util.List;

/**
 * One HLS rendition to make: {@code source} (the video as it is: copied when it is H.264, else H.264 at its own
 * size), a lower rung such as {@code 720p} (H.264, keyframes every segment), or {@code audio} (audio only), and the
 * ffmpeg arguments that make its fMP4 file and byte-range playlist.
 */
record HlsRendition(String name, boolean video, boolean copyVideo, int height, boolean copyAudio, boolean hasAudio) {

    /** The renditions of {@code probe} for {@code settings}: never a rung taller than the source, and the audio-only one. */
    static List<HlsRendition> plan(MediaProbe probe, HlsPackager.HlsSettings settings) {
        List<HlsRendition> rungs = new ArrayList<>();
        boolean hasAudio = probe.audio() != null;
        boolean copyAudio = hasAudio && ("aac".equals(probe.audio().codec()) || "mp3".equals(probe.audio().codec()));
        if (probe.video() != null) {
            int sourceHeight = probe.video().height();
            for (String r : settings.renditions()) {
                if (r.equals("source")) {
                    rungs.add(new HlsRendition("source", true, "h264".equals(probe.video().codec()), 0, copyAudio, hasAudio));
                } else {
                    int h = Integer.parseInt(r.substring(0, r.length() - 1));
                    if (h < sourceHeight || (h == sourceHeight && !settings.renditions().contains("source"))) {
                        rungs.add(new HlsRendition(r, true, false, h, false, hasAudio));
                    }
                }
            }
            if (rungs.isEmpty()) { // every rung asked for is taller than the video: its own size
                rungs.add(new HlsRendition("source", true, "h264".equals(probe.video().codec()), 0, copyAudio, hasAudio));
            }
        }
        if (hasAudio) {
            rungs.add(new HlsRendition("audio", false, false, 0, "aac".equals(probe.audio().codec()), true));
        }
        return rungs;
    }

    /** ffmpeg's arguments: read {@code input}, write {@code media} (one fMP4 file) and {@code playlist}. */
    List<String> arguments(String input, int segmentSeconds, double fps, String media, String playlist) {
        List<String> a = new ArrayList<>(List.of("-i", input));
        if (video) {
            a.addAll(List.of("-map", "0:v:0", "-map", "0:a:0?"));
            if (copyVideo) {
                a.addAll(List.of("-c:v", "copy"));
            } else {
                int gop = Math.max(1, (int) Math.round(fps * segmentSeconds));
                a.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p", "-profile:v", "high",
                        "-g", String.valueOf(gop), "-keyint_min", String.valueOf(gop), "-sc_threshold", "0",
                        "-force_key_frames", "expr:gte(t,n_forced*" + segmentSeconds + ")"));
                if (height > 0) {
                    int rate = maxRateKbps(height);
                    a.addAll(List.of("-vf", "scale=-2:" + height, "-maxrate", rate + "k", "-bufsize", (2 * rate) + "k"));
                }
            }
            if (hasAudio) {
                a.addAll(copyAudio ? List.of("-c:a", "copy") : List.of("-c:a", "aac", "-b:a", "128k", "-ac", "2"));
            }
        } else {
            a.addAll(List.of("-map", "0:a:0", "-vn"));
            a.addAll(copyAudio ? List.of("-c:a", "copy") : List.of("-c:a", "aac", "-b:a", "128k", "-ac", "2"));
        }
        a.addAll(List.of("-f", "hls", "-hls_time", String.valueOf(segmentSeconds), "-hls_playlist_type", "vod",
                "-hls_segment_type", "fmp4", "-hls_flags", "single_file", "-hls_segment_filename", media, playlist));
        return a;
    }

    /** The peak rate a rung of {@code height} lines may use. */
    static int maxRateKbps(int height) {
        if (height >= 1080) {
            return 5000;
        }
        if (height >= 720) {
            return 3000;
        }
        if (height >= 480) {
            return 1400;
        }
        if (height >= 360) {
            return 800;
        }
        return Math.max(200, height * 2);
    }

}
