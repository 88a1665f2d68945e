package io.caravan.processors.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Reading ffmpeg's byte-range playlists, writing the master, and the names of HLS files. */
class HlsPlaylistTest {

    static final String AUDIO = """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:4
            #EXT-X-PLAYLIST-TYPE:VOD
            #EXT-X-MAP:URI="audio.mp4",BYTERANGE="777@0"
            #EXTINF:4.000000,
            #EXT-X-BYTERANGE:40000@777
            audio.mp4
            #EXTINF:2.000000,
            #EXT-X-BYTERANGE:10000@40777
            audio.mp4
            #EXT-X-ENDLIST
            """;

    @Test
    void should_read_segments_bytes_and_the_peak_rate() {
        HlsPlaylist p = HlsPlaylist.parse(AUDIO);
        assertEquals(2, p.segments());
        assertEquals(6.0, p.seconds(), 1e-9);
        assertEquals(50_000, p.bytes());
        assertEquals(80_000, p.peakBitsPerSecond(), "40000 bytes in 4 s");
        assertEquals(66_667, p.averageBitsPerSecond(), "50000 bytes in 6 s");
        assertThrows(IllegalArgumentException.class, () -> HlsPlaylist.parse("#EXTM3U\n#EXT-X-ENDLIST\n"));
    }

    @Test
    void should_write_a_master_with_bandwidths_resolution_and_codecs() {
        MediaProbe video = new MediaProbe(new MediaProbe.Video("h264", "High", 13, 320, 240, 25), new MediaProbe.Audio("aac", "LC"), 10);
        MediaProbe audio = new MediaProbe(null, new MediaProbe.Audio("aac", "HE-AAC"), 10);
        String master = HlsMaster.write(List.of(
                new HlsMaster.Variant(new HlsRendition("source", true, true, 0, true, true), HlsPlaylist.parse(AUDIO.replace("audio", "source")), video),
                new HlsMaster.Variant(new HlsRendition("audio", false, false, 0, true, true), HlsPlaylist.parse(AUDIO), audio)));
        assertEquals("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-STREAM-INF:BANDWIDTH=80000,AVERAGE-BANDWIDTH=66667,RESOLUTION=320x240,FRAME-RATE=25.000,CODECS="avc1.64000d,mp4a.40.2"
                source.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=80000,AVERAGE-BANDWIDTH=66667,CODECS="mp4a.40.5"
                audio.m3u8
                """, master);
        assertEquals("avc1.42e01e", HlsMaster.avc1(new MediaProbe.Video("h264", "Constrained Baseline", 30, 640, 360, 30)));
        assertEquals("avc1.4d401f", HlsMaster.avc1(new MediaProbe.Video("h264", "Main", 31, 1280, 720, 30)));
        assertEquals("mp4a.40.34", HlsMaster.mp4a(new MediaProbe.Audio("mp3", "")));
    }

    @Test
    void should_map_url_names_to_derived_kinds_and_nothing_else() {
        assertEquals(Optional.of("hls"), HlsFiles.kindOf("master.m3u8"));
        assertEquals(Optional.of("hls-720p"), HlsFiles.kindOf("720p.m3u8"));
        assertEquals(Optional.of("hls-source-media"), HlsFiles.kindOf("source.mp4"));
        assertEquals(Optional.of("hls-audio-media"), HlsFiles.kindOf("audio.mp4"));
        assertEquals(Optional.empty(), HlsFiles.kindOf("../x.mp4"));
        assertEquals(Optional.empty(), HlsFiles.kindOf("source.ts"));
        assertEquals(Optional.empty(), HlsFiles.kindOf("evil.m3u8"));
    }

    @Test
    void should_plan_no_rung_taller_than_the_video_and_copy_h264() {
        HlsPackager.HlsSettings ladder = new HlsPackager.HlsSettings(true, List.of("source", "720p", "360p"), 4, false, 3, java.time.Duration.ofSeconds(1));
        MediaProbe vp9 = new MediaProbe(new MediaProbe.Video("vp9", "", 0, 640, 480, 30), new MediaProbe.Audio("opus", ""), 10);
        List<HlsRendition> rungs = HlsRendition.plan(vp9, ladder);
        assertEquals(List.of("source", "360p", "audio"), rungs.stream().map(HlsRendition::name).toList());
        assertTrue(!rungs.get(0).copyVideo() && !rungs.get(0).copyAudio(), "VP9 and Opus are encoded");
        List<String> args = rungs.get(1).arguments("in", 4, 30, "/w/360p.mp4", "/w/360p.m3u8");
        assertTrue(String.join(" ", args).contains("-g 120 -keyint_min 120 -sc_threshold 0"), "a keyframe every 4 s at 30 fps: " + args);
        assertTrue(String.join(" ", args).contains("-vf scale=-2:360"), args.toString());
        MediaProbe h264 = new MediaProbe(new MediaProbe.Video("h264", "High", 31, 1280, 720, 25), new MediaProbe.Audio("aac", "LC"), 10);
        HlsRendition source = HlsRendition.plan(h264, ladder).get(0);
        assertTrue(source.copyVideo() && source.copyAudio(), "H.264 and AAC are copied");
        assertTrue(String.join(" ", source.arguments("in", 4, 25, "/w/s.mp4", "/w/s.m3u8")).contains("-c:v copy"));
    }
}
