package io.caravan.processors.media;

/** What a VOD media playlist ({@code -hls_flags single_file}) says: its segments' total duration and bytes, and the peak rate. */
record HlsPlaylist(int segments, double seconds, long bytes, long peakBitsPerSecond) {

    /** Reads {@code #EXTINF} durations and {@code #EXT-X-BYTERANGE} lengths. */
    static HlsPlaylist parse(String text) {
        int segments = 0;
        double seconds = 0;
        long bytes = 0;
        long peak = 0;
        double pending = -1;
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("#EXTINF:")) {
                String d = line.substring("#EXTINF:".length());
                int comma = d.indexOf(',');
                pending = Double.parseDouble(comma >= 0 ? d.substring(0, comma) : d);
            } else if (line.startsWith("#EXT-X-BYTERANGE:") && pending >= 0) {
                String r = line.substring("#EXT-X-BYTERANGE:".length());
                int at = r.indexOf('@');
                long length = Long.parseLong(at >= 0 ? r.substring(0, at) : r);
                segments++;
                seconds += pending;
                bytes += length;
                if (pending > 0) {
                    peak = Math.max(peak, (long) Math.ceil(length * 8 / pending));
                }
                pending = -1;
            }
        }
        if (segments == 0) {
            throw new IllegalArgumentException("the playlist lists no byte-range segments");
        }
        return new HlsPlaylist(segments, seconds, bytes, peak);
    }

    long averageBitsPerSecond() {
        return seconds > 0 ? (long) Math.ceil(bytes * 8 / seconds) : 0;
    }
}
