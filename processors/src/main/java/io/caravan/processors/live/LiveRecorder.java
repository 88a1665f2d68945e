package io.caravan.processors.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.caravan.connectors.catalogue.LiveStore;
import io.caravan.connectors.catalogue.LiveStore.LiveFile;
import io.caravan.connectors.catalogue.LiveStore.LiveStream;
import io.caravan.connectors.media.Ffmpeg;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.files.UploadRequest;
import io.caravan.processors.files.Uploads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the recording of a live stream's session when it ends (bean {@code liveRecorder}, route
 * {@code live-record}, on {@code caravan.live.ended}): its segments, in media sequence order, remuxed by ffmpeg
 * ({@code -c copy}) into one MP4 that is stored like an upload in the stream's group, so it is replicated and
 * packaged into HLS like any video. Then every segment of the session is deleted after the retention.
 */
public class LiveRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(LiveRecorder.class);
    private static final Duration LATE_WAIT = Duration.ofSeconds(10);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final LiveStore store;
    private final Ffmpeg ffmpeg;
    private final Uploads uploads;
    private final Function<String, String> urlOf;
    private final Path workDir;
    private final Clock clock;

    /** @param urlOf the URL ffmpeg reads a stored file from (this gateway's) */
    public LiveRecorder(LiveStore store, Ffmpeg ffmpeg, Uploads uploads, Function<String, String> urlOf, Path workDir, Clock clock)
            throws IOException {
        this.store = store;
        this.ffmpeg = ffmpeg;
        this.uploads = uploads;
        this.urlOf = urlOf;
        this.workDir = workDir;
        this.clock = clock;
        Files.createDirectories(workDir);
    }

    /**
     * Records the session of stream {@code name} that ended; nothing when it is not recorded, not ENDED (pushed
     * again already) or recorded already. A recording that fails is recorded FAILED with the reason.
     */
    public void record(String name) throws InterruptedException {
        LiveStream s = store.stream(name).orElse(null);
        if (s == null || !LiveStore.ENDED.equals(s.state())) {
            return;
        }
        Duration keep = retention(s);
        if (!LiveStore.RECORDING.equals(s.recordingState())) {
            if (LiveStore.RECORD_OFF.equals(s.recordingState())) {
                store.finish(name, s.session(), null, LiveStore.RECORD_OFF, null, clock.instant().plus(keep), null);
            }
            return;
        }
        String recording = null;
        String state = LiveStore.RECORDED;
        String error = null;
        long t0 = System.nanoTime();
        try {
            awaitListed(s);
            recording = make(s);
            LOG.info("live stream {} recorded as {} in {} ms", name, recording, (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            state = LiveStore.RECORD_FAILED;
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("the recording of live stream {} failed: {}", name, error);
        }
        store.finish(name, s.session(), recording, state, error, clock.instant().plus(keep),
                done -> CloudEvents.liveEvent(CloudEvents.LIVE_RECORDED, done.name(), LiveStreams.view(done)));
    }

    /**
     * Waits (up to {@link #LATE_WAIT}) until every segment the final playlist lists is stored: the last one may
     * arrive just after the playlist that ended the stream.
     */
    private void awaitListed(LiveStream s) throws InterruptedException {
        if (s.playlist() == null) {
            return;
        }
        LivePlaylist p = store.playlist(s.name(), s.playlist()).map(x -> LivePlaylist.parse(x.body())).orElse(null);
        if (p == null) {
            return;
        }
        long deadline = System.nanoTime() + LATE_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Set<String> have = store.current(s.name()).keySet();
            if (p.segments().stream().allMatch(seg -> have.contains(seg.name())) && (p.map() == null || have.contains(p.map()))) {
                return;
            }
            Thread.sleep(200);
        }
        LOG.warn("live stream {}: recorded without the segments its final playlist lists but never came", s.name());
    }

    /** How long the session's last segments stay served after the end: the playlist's length and one target duration. */
    private Duration retention(LiveStream s) {
        if (s.playlist() == null) {
            return Duration.ZERO;
        }
        return store.playlist(s.name(), s.playlist()).map(p -> Duration.ofMillis(p.windowMs() + p.targetMs())).orElse(Duration.ZERO);
    }

    private String make(LiveStream s) throws IOException, InterruptedException {
        if (s.playlist() == null) {
            throw new IOException("no media playlist was sent: nothing to record");
        }
        List<LiveFile> files = store.recorded(s.name(), s.session(), s.playlist());
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-MEDIA-SEQUENCE:0\n");
        long target = 1;
        int segments = 0;
        StringBuilder body = new StringBuilder();
        for (LiveFile f : files) {
            if (f.msn() != null && f.msn() < 0) {
                m3u8.append("#EXT-X-MAP:URI=\"").append(urlOf.apply(f.fileId())).append("\"\n");
                continue;
            }
            double seconds = (f.durationMs() == null ? 0 : f.durationMs()) / 1000.0;
            target = Math.max(target, (long) Math.ceil(seconds));
            body.append(String.format(Locale.ROOT, "#EXTINF:%.3f,%n", seconds)).append(urlOf.apply(f.fileId())).append('\n');
            segments++;
        }
        if (segments == 0) {
            throw new IOException("no segment of the session is left to record");
        }
        m3u8.append("#EXT-X-TARGETDURATION:").append(target).append('\n').append(body).append("#EXT-X-ENDLIST\n");
        Path dir = Files.createTempDirectory(workDir, "live-");
        try {
            Path playlist = dir.resolve("recording.m3u8");
            Path out = dir.resolve("recording.mp4");
            Files.writeString(playlist, m3u8, StandardCharsets.UTF_8);
            ffmpeg.run(List.of("-protocol_whitelist", "file,http,https,tcp,tls", "-i", playlist.toString(), "-map", "0", "-c", "copy",
                    "-movflags", "+faststart", out.toString()));
            String name = s.name() + "-" + STAMP.format(s.started() == null ? clock.instant() : s.started()) + ".mp4";
            try (InputStream in = Files.newInputStream(out)) {
                return uploads.storeMade(new UploadRequest(name, "video/mp4", s.group(), Map.of("live", s.name()), null,
                        Files.size(out), false), in).file().id();
            }
        } finally {
            try (var left = Files.list(dir)) {
                for (Path p : left.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
