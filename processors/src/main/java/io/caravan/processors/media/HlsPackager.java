package io.caravan.processors.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.DerivedStore;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.HlsStore;
import io.caravan.connectors.media.Ffmpeg;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.files.DerivedFiles;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.support.Json;
import io.caravan.processors.support.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packages stored video (and, when asked, audio) into HLS (bean {@code hlsPackager}, route {@code hls-package}):
 * each rendition one fMP4 file with a byte-range playlist (ffmpeg {@code -hls_flags single_file}), an audio-only
 * rendition, and a master playlist written here with {@code BANDWIDTH}, {@code AVERAGE-BANDWIDTH},
 * {@code RESOLUTION} and {@code CODECS}. All are derived files of the source ({@link HlsFiles} names their
 * kinds), stored in its group. Where it stands is kept in {@link HlsStore}; a packaging that fails is tried
 * {@link HlsSettings#attempts} times and then recorded FAILED: it never touches the original.
 */
public class HlsPackager {

    private static final Logger LOG = LoggerFactory.getLogger(HlsPackager.class);

    private final Ffmpeg ffmpeg;
    private final DerivedFiles derivedFiles;
    private final FileStore files;
    private final DerivedStore derived;
    private final HlsStore state;
    private final Function<String, String> urlOf;
    private final HlsSettings settings;
    private final Path workDir;
    private final Clock clock;

    /**
     * @param urlOf    the URL ffmpeg reads a stored file from (this gateway's)
     * @param workDir  where ffmpeg writes before the files are stored
     */
    private final CaravanMetrics metrics;

    public HlsPackager(Ffmpeg ffmpeg, DerivedFiles derivedFiles, FileStore files, DerivedStore derived, HlsStore state,
                       Function<String, String> urlOf, HlsSettings settings, Path workDir, Clock clock, CaravanMetrics metrics) throws IOException {
        this.metrics = metrics;
        this.ffmpeg = ffmpeg;
        this.derivedFiles = derivedFiles;
        this.files = files;
        this.derived = derived;
        this.state = state;
        this.urlOf = urlOf;
        this.settings = settings;
        this.workDir = workDir;
        this.clock = clock;
        Files.createDirectories(workDir);
    }

    /**
     * {@code true} when {@code contentType} is packaged: video, and audio when {@code caravan.hls.audio} is on;
     * nothing when {@code caravan.hls.enabled} is off.
     */
    public boolean packages(String contentType) {
        return settings.enabled() && (HlsFiles.isVideo(contentType) || (settings.audio() && HlsFiles.isAudio(contentType)));
    }

    /**
     * Asks for the stored file {@code id} to be packaged again ({@code POST /files/{id}/hls}: after a failure, or
     * with new {@code caravan.hls.renditions}): PACKAGING at once, and a {@code caravan.hls.requested} event that
     * route hls-package takes, on whichever gateway. Not found for a file that is not packaged (not media,
     * derived, HLS off).
     */
    public void request(String id) {
        FileRecord f = files.findStored(id).orElseThrow(() -> NotFoundException.file(id));
        if (!packages(f.contentType()) || derived.sourceOf(id).isPresent()) {
            throw new NotFoundException(id + " (" + f.contentType() + ") is not packaged into HLS"
                    + (settings.enabled() ? ": only audio and video are" : ": caravan.hls.enabled is false"));
        }
        state.request(id, CloudEvents.fileEvent(CloudEvents.HLS_REQUESTED, f, null), clock.instant());
    }

    /**
     * Packages the stored file {@code id} when it is media, and not itself a derived file: PACKAGING, then READY,
     * or FAILED with the error after the last try. Nothing for files that are not media, or are gone.
     */
    public void pack(String id) throws InterruptedException {
        FileRecord f = files.findStored(id).orElse(null);
        if (f == null || !packages(f.contentType()) || derived.sourceOf(id).isPresent()) {
            return;
        }
        state.set(id, HlsStore.PACKAGING, null, 0, clock.instant());
        String error = null;
        long started = System.nanoTime();
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            long t0 = System.nanoTime();
            try {
                List<String> rungs = packOnce(f);
                state.set(id, HlsStore.READY, null, attempt, clock.instant());
                metrics.hlsPackaged("ready", System.nanoTime() - started);
                LOG.info("HLS of {} ready in {} ms: {}", id, (System.nanoTime() - t0) / 1_000_000, rungs);
                return;
            } catch (NotFoundException gone) {
                LOG.debug("{} was deleted while it was packaged", id);
                return;
            } catch (IOException | RuntimeException e) {
                error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                LOG.warn("HLS packaging of {} failed (try {} of {}): {}", id, attempt, settings.attempts(), error);
                state.set(id, attempt < settings.attempts() ? HlsStore.PACKAGING : HlsStore.FAILED, error, attempt, clock.instant());
                if (attempt < settings.attempts()) {
                    Thread.sleep(settings.retryDelay().toMillis() * attempt);
                } else {
                    metrics.hlsPackaged("failed", System.nanoTime() - started);
                }
            }
        }
    }

    /** One packaging: probe, one ffmpeg run per rendition, store media and playlists, the master last. */
    private List<String> packOnce(FileRecord f) throws IOException, InterruptedException {
        String input = urlOf.apply(f.id());
        MediaProbe probe = MediaProbe.parse(Json.read(ffmpeg.probe(input)));
        if (probe.video() == null && probe.audio() == null) {
            throw new Ffmpeg.MediaToolException("no audio or video stream in " + f.name());
        }
        Path dir = Files.createTempDirectory(workDir, "hls-");
        try {
            List<HlsRendition> rungs = HlsRendition.plan(probe, settings);
            List<HlsMaster.Variant> variants = new ArrayList<>();
            for (HlsRendition r : rungs) {
                Path playlist = dir.resolve(r.name() + ".m3u8");
                Path media = dir.resolve(r.name() + ".mp4");
                ffmpeg.run(r.arguments(input, settings.segmentSeconds(), probe.video() == null ? 25 : probe.video().fps(),
                        media.toString(), playlist.toString()));
                String text = Files.readString(playlist, StandardCharsets.UTF_8);
                if (!text.contains(r.name() + ".mp4") || text.contains(dir.toString())) {
                    throw new Ffmpeg.MediaToolException("ffmpeg's playlist does not name " + r.name() + ".mp4 as a relative URI");
                }
                variants.add(new HlsMaster.Variant(r, HlsPlaylist.parse(text), MediaProbe.parse(Json.read(ffmpeg.probe(media.toString())))));
            }
            // media, then variant playlists, then the master: a master that is listed names only stored files
            for (HlsMaster.Variant v : variants) {
                derivedFiles.storeFile(f.id(), HlsFiles.mediaKind(v.rendition().name()), dir.resolve(v.rendition().name() + ".mp4").toString(),
                        v.rendition().video() ? "video/mp4" : "audio/mp4");
            }
            for (HlsMaster.Variant v : variants) {
                derivedFiles.storeFile(f.id(), HlsFiles.playlistKind(v.rendition().name()), dir.resolve(v.rendition().name() + ".m3u8").toString(),
                        HlsFiles.PLAYLIST_TYPE);
            }
            Path master = dir.resolve("master.m3u8");
            Files.writeString(master, HlsMaster.write(variants), StandardCharsets.UTF_8);
            derivedFiles.storeFile(f.id(), HlsFiles.MASTER_KIND, master.toString(), HlsFiles.PLAYLIST_TYPE);
            // a packaging again (other renditions): the rungs it no longer has go, with their events
            Set<String> made = new HashSet<>(List.of(HlsFiles.MASTER_KIND));
            for (HlsRendition r : rungs) {
                made.add(HlsFiles.mediaKind(r.name()));
                made.add(HlsFiles.playlistKind(r.name()));
            }
            for (DerivedFile d : derived.of(f.id())) {
                if (HlsFiles.isHlsKind(d.kind()) && !made.contains(d.kind())) {
                    derivedFiles.remove(f.id(), d.kind());
                }
            }
            return rungs.stream().map(HlsRendition::name).toList();
        } finally {
            try (Stream<Path> left = Files.list(dir)) {
                for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** The packaging of stored media files: on by {@code caravan.hls.*} ({@code enabled} is {@code caravan.hls.enabled}). */
    public record HlsSettings(boolean enabled, List<String> renditions, int segmentSeconds, boolean audio, int attempts,
                              java.time.Duration retryDelay) {
        public HlsSettings {
            renditions = List.copyOf(renditions);
            if (renditions.isEmpty()) {
                throw new IllegalArgumentException("caravan.hls.renditions is source and/or heights such as 720p, not empty");
            }
            for (String r : renditions) {
                if (!r.equals("source") && !r.matches("\\d{3,4}p")) {
                    throw new IllegalArgumentException("caravan.hls.renditions: " + r + " is neither source nor a height such as 720p");
                }
            }
            if (segmentSeconds < 1 || segmentSeconds > 30) {
                throw new IllegalArgumentException("caravan.hls.segment-seconds is 1 to 30, not " + segmentSeconds);
            }
        }
    }
}
