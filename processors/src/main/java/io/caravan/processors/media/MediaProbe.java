package io.caravan.processors.media;

import com.fasterxml.jackson.databind.JsonNode;

/** What ffprobe says of a media file: its first video and first audio stream, and its duration. */
record MediaProbe(Video video, Audio audio, double duration) {

    /** A video stream: codec ({@code h264}), profile ({@code High}), level ({@code 30}), size and frame rate. */
    record Video(String codec, String profile, int level, int width, int height, double fps) {
    }

    /** An audio stream: codec ({@code aac}) and profile ({@code LC}, {@code HE-AAC}). */
    record Audio(String codec, String profile) {
    }

    /** Parses {@code ffprobe -show_format -show_streams -of json}; attached pictures (cover art) are not video. */
    static MediaProbe parse(JsonNode probe) {
        Video video = null;
        Audio audio = null;
        for (JsonNode s : probe.path("streams")) {
            String type = s.path("codec_type").asText();
            if ("video".equals(type) && video == null && s.path("disposition").path("attached_pic").asInt() == 0) {
                video = new Video(s.path("codec_name").asText(), s.path("profile").asText(""), s.path("level").asInt(0),
                        s.path("width").asInt(), s.path("height").asInt(), rate(s.path("avg_frame_rate").asText("0/0"), s.path("r_frame_rate").asText("25/1")));
            } else if ("audio".equals(type) && audio == null) {
                audio = new Audio(s.path("codec_name").asText(), s.path("profile").asText(""));
            }
        }
        return new MediaProbe(video, audio, probe.path("format").path("duration").asDouble(0));
    }

    private static double rate(String avg, String fallback) {
        double r = fraction(avg);
        return r > 0 && r < 300 ? r : Math.max(1, fraction(fallback));
    }

    private static double fraction(String f) {
        String[] p = f.split("/");
        try {
            double n = Double.parseDouble(p[0]);
            double d = p.length > 1 ? Double.parseDouble(p[1]) : 1;
            return d == 0 ? 0 : n / d;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
