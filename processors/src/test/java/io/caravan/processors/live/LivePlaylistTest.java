package io.caravan.processors.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import io.caravan.processors.support.InvalidInputException;
import org.junit.jupiter.api.Test;

/** Live playlists as ffmpeg PUTs them: parsed, refused when broken, served with only the segments there are. */
class LivePlaylistTest {

    /** What ffmpeg's HLS muxer writes with -hls_flags delete_segments+program_date_time (fMP4: with the map). */
    private static final String FFMPEG = """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:4
            #EXT-X-MAP:URI="init.mp4"
            #EXTINF:2.000000,
            #EXT-X-PROGRAM-DATE-TIME:2026-12-01T15:20:22.220+0000
            index4.m4s
            #EXTINF:2.000000,
            #EXT-X-PROGRAM-DATE-TIME:2026-12-01T15:20:24.220+0000
            index5.m4s
            #EXTINF:1.520000,
            #EXT-X-PROGRAM-DATE-TIME:2026-12-01T15:20:26.220+0000
            index6.m4s
            #EXT-X-ENDLIST
            """;

    @Test
    void should_read_what_ffmpeg_sends() {
        LivePlaylist p = LivePlaylist.parse(FFMPEG);
        assertFalse(p.master());
        assertEquals(2000, p.targetMs());
        assertEquals("init.mp4", p.map());
        assertEquals(List.of("index4.m4s", "index5.m4s", "index6.m4s"), p.segments().stream().map(LivePlaylist.Segment::name).toList());
        assertEquals(List.of(4L, 5L, 6L), p.segments().stream().map(LivePlaylist.Segment::msn).toList());
        assertEquals(5520, p.windowMs());
        assertTrue(p.ended());
    }

    @Test
    void should_serve_only_the_segments_there_are_and_end_only_when_all_are() {
        LivePlaylist p = LivePlaylist.parse(FFMPEG);
        assertEquals(FFMPEG, p.served(name -> true), "everything there: served as it came");
        String two = p.served(name -> !name.equals("index6.m4s"));
        assertTrue(two.contains("index5.m4s") && !two.contains("index6.m4s") && !two.contains("#EXT-X-ENDLIST"), two);
        assertTrue(two.contains("#EXT-X-PROGRAM-DATE-TIME:2026-12-01T15:20:24.220+0000\nindex5.m4s"), "each segment keeps its tags");
        String gap = p.served(name -> !name.equals("index5.m4s"));
        assertFalse(gap.contains("index6.m4s"), "nothing after a segment that is not there: " + gap);
        String noMap = p.served(name -> !name.equals("init.mp4"));
        assertFalse(noMap.contains("#EXTINF"), "no segment without its init section: " + noMap);
        assertTrue(noMap.startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:4\n"), noMap);
    }

    @Test
    void should_pass_a_master_playlist_as_it_came() {
        String master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow.m3u8\n";
        LivePlaylist p = LivePlaylist.parse(master);
        assertTrue(p.master());
        assertEquals(master, p.served(name -> false));
        assertThrows(InvalidInputException.class, () -> LivePlaylist.parse("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.ts\n"));
    }

    @Test
    void should_refuse_what_cannot_be_served() {
        for (String bad : Set.of(
                "not a playlist",
                "#EXTM3U\n#EXTINF:2,\nseg.ts\n",                                      // no target duration
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\nseg.ts\n",                         // no EXTINF
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n../other/seg.ts\n",    // outside the folder
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://elsewhere/seg.ts\n",
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg.exe\n",            // unknown extension
                "#EXTM3U\n#EXT-X-TARGETDURATION:two\n",
                "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:-1,\nseg.ts\n")) {
            assertThrows(InvalidInputException.class, () -> LivePlaylist.parse(bad), bad);
        }
    }

    @Test
    void should_name_files_of_a_stream_folder_only() {
        assertEquals("index12.ts", LiveNames.file("index12.ts"));
        assertEquals("video/mp2t", LiveNames.type("index12.ts"));
        assertEquals("video/iso.segment", LiveNames.type("a.m4s"));
        for (String bad : new String[] {"a b.ts", ".hidden.ts", "x.exe", "noextension", "a/b.ts", "x".repeat(126) + ".ts"}) {
            assertThrows(InvalidInputException.class, () -> LiveNames.file(bad), bad);
        }
        assertThrows(InvalidInputException.class, () -> LiveNames.stream(".."));
        assertEquals("cam-1_a.b", LiveNames.stream("cam-1_a.b"));
    }
}
