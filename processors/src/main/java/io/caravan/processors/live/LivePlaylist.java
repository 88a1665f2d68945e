package io.caravan.processors.live;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.caravan.processors.support.InvalidInputException;

/**
 * A live playlist as an encoder PUTs it (RFC 8216): checked when it arrives, and served with only the segments
 * a gateway can serve. A media playlist lists segments by relative name in the stream's folder; a master
 * playlist (variant streams) names other playlists of the folder and is served as it came.
 */
public record LivePlaylist(String text, boolean master, List<String> header, long targetMs, long mediaSequence, String map,
                           List<Segment> segments, boolean ended) {

    /** A segment: the tag lines before its URI (EXTINF among them), its name, its duration and media sequence number. */
    public record Segment(List<String> tags, String name, long durationMs, long msn) {
    }

    /** The sum of the segments' durations: how long a removed segment stays listed by a player's copy of the playlist. */
    public long windowMs() {
        return segments.stream().mapToLong(Segment::durationMs).sum();
    }

    /** Parses {@code text}; a playlist that is not one Caravan can serve is refused with the reason. */
    public static LivePlaylist parse(String text) {
        String[] lines = text.replace("\r\n", "\n").split("\n");
        if (lines.length == 0 || !lines[0].strip().equals("#EXTM3U")) {
            throw new InvalidInputException("not a playlist: the first line must be #EXTM3U");
        }
        boolean master = false;
        long targetMs = -1;
        long sequence = 0;
        String map = null;
        boolean ended = false;
        List<String> header = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Long duration = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                    targetMs = seconds(line.substring(22), "EXT-X-TARGETDURATION");
                    header.add(line);
                } else if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                    sequence = number(line.substring(22), "EXT-X-MEDIA-SEQUENCE");
                    header.add(line);
                } else if (line.startsWith("#EXT-X-MAP:")) {
                    map = uriAttribute(line);
                    LiveNames.file(map);
                    header.add(line);
                } else if (line.equals("#EXT-X-ENDLIST")) {
                    ended = true;
                } else if (line.startsWith("#EXT-X-STREAM-INF:")) {
                    master = true;
                } else if (line.startsWith("#EXTINF:")) {
                    String value = line.substring(8);
                    int comma = value.indexOf(',');
                    duration = seconds(comma < 0 ? value : value.substring(0, comma), "EXTINF");
                    pending.add(line);
                } else if (isHeader(line)) {
                    header.add(line);
                } else {
                    pending.add(line); // a tag of the next segment (PROGRAM-DATE-TIME, DISCONTINUITY, …)
                }
                continue;
            }
            LiveNames.file(line); // a name in the stream's folder: no path, no scheme
            if (master) {
                if (!LiveNames.isPlaylist(line)) {
                    throw new InvalidInputException("a master playlist names playlists (.m3u8), not " + line);
                }
                pending.clear();
                continue;
            }
            if (duration == null) {
                throw new InvalidInputException("segment " + line + " has no #EXTINF before it");
            }
            segments.add(new Segment(List.copyOf(pending), line, duration, sequence + segments.size()));
            pending.clear();
            duration = null;
        }
        if (!master && targetMs < 0) {
            throw new InvalidInputException("a media playlist needs #EXT-X-TARGETDURATION");
        }
        return new LivePlaylist(text, master, List.copyOf(header), Math.max(0, targetMs), sequence, map, List.copyOf(segments), ended);
    }

    /**
     * The playlist as served: its header, then its segments up to the first one {@code servable} refuses (a
     * player must never be sent a segment that is not there yet), ENDLIST only when all are listed. A master
     * playlist, as it came.
     */
    public String served(Predicate<String> servable) {
        if (master) {
            return text;
        }
        StringBuilder out = new StringBuilder("#EXTM3U\n");
        header.forEach(h -> out.append(h).append('\n'));
        if (map != null && !servable.test(map)) {
            return out.toString();
        }
        int listed = 0;
        for (Segment s : segments) {
            if (!servable.test(s.name())) {
                break;
            }
            s.tags().forEach(t -> out.append(t).append('\n'));
            out.append(s.name()).append('\n');
            listed++;
        }
        if (ended && listed == segments.size()) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }

    private static boolean isHeader(String line) {
        return line.startsWith("#EXT-X-VERSION") || line.startsWith("#EXT-X-PLAYLIST-TYPE") || line.startsWith("#EXT-X-INDEPENDENT-SEGMENTS")
                || line.startsWith("#EXT-X-ALLOW-CACHE") || line.startsWith("#EXT-X-DISCONTINUITY-SEQUENCE") || line.startsWith("#EXT-X-START")
                || line.startsWith("#EXT-X-SERVER-CONTROL") || line.startsWith("#EXT-X-PART-INF");
    }

    private static String uriAttribute(String line) {
        int at = line.indexOf("URI=\"");
        int end = at < 0 ? -1 : line.indexOf('"', at + 5);
        if (end < 0) {
            throw new InvalidInputException("#EXT-X-MAP without URI=\"…\"");
        }
        return line.substring(at + 5, end);
    }

    private static long seconds(String value, String tag) {
        try {
            BigDecimal s = new BigDecimal(value.strip());
            if (s.signum() < 0 || s.compareTo(BigDecimal.valueOf(86_400)) > 0) {
                throw new NumberFormatException();
            }
            return s.movePointRight(3).longValue();
        } catch (NumberFormatException e) {
            throw new InvalidInputException(tag + " must be a number of seconds, not " + value.strip());
        }
    }

    private static long number(String value, String tag) {
        try {
            long n = Long.parseLong(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidInputException(tag + " must be a whole number, not " + value.strip());
        }
    }
}
