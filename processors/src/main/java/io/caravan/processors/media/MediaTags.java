package io.caravan.processors.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.caravan.connectors.catalogue.FileMeta;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.MetaStore;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.StoredFile;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.events.FileEvent;
import org.jaudiotagger.audio.AudioFile;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.MovieHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.audio.AudioHeader;
import org.jaudiotagger.tag.FieldKey;
import org.jaudiotagger.tag.Tag;
import org.slf4j.LoggerFactory;

/**
 * Reads the media tags of stored audio and video files (bean {@code mediaTags}, called by the
 * {@code media-tags} route for every {@code caravan.file.stored} event): title, artist, album, duration
 * (seconds) and codec, with jaudiotagger for audio (MP3, FLAC, Ogg Vorbis, M4A, WAV, AIFF, WMA), mp4parser
 * for MP4/MOV video (duration, codecs) and {@link MatroskaInfo} for WebM/Matroska. They become metadata;
 * keys the uploader set are kept. Files none of them can read get no tags.
 */
public class MediaTags {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MediaTags.class);
    /** Largest file copied to a temporary file to be read when no replica is on a local disk. */
    static final long MAX_COPY = 256L * 1024 * 1024;

    static {
        Logger.getLogger("org.jaudiotagger").setLevel(Level.OFF); // it logs every odd frame at INFO
    }

    private final FileStore files;
    private final MetaStore meta;
    private final StorageNodes nodes;

    /** Media that carries no tags a reader knows: MPEG-TS and fMP4 segments (live streams send many). */
    private static final java.util.Set<String> UNTAGGED = java.util.Set.of("video/mp2t", "video/iso.segment", "audio/aac");

    public MediaTags(FileStore files, MetaStore meta, StorageNodes nodes) {
        this.files = files;
        this.meta = meta;
        this.nodes = nodes;
    }

    /** Handles one CloudEvent (JSON): reads the tags of a newly stored audio or video file. Never throws. */
    public void read(String event) {
        String id = null;
        try {
            FileEvent ce = FileEvent.parse(event, null, null);
            if (!ce.is(CloudEvents.FILE_STORED)) {
                return;
            }
            id = ce.fileId();
            String type = ce.contentType().toLowerCase(Locale.ROOT);
            if (!type.startsWith("audio/") && !type.startsWith("video/") || UNTAGGED.contains(type)) {
                return;
            }
            Optional<StoredFile> stored = files.stored(id);
            if (stored.isEmpty()) {
                return;
            }
            Map<String, String> tags = tags(stored.get());
            Map<String, String> current = meta.of(id);
            tags.keySet().removeAll(current.keySet());
            if (!tags.isEmpty()) {
                meta.update(id, tags, (file, meta) -> CloudEvents.fileEvent(CloudEvents.META_CHANGED, file, null, meta));
                LOG.debug("media tags of {}: {}", id, tags);
            }
        } catch (Exception e) {
            LOG.info("no media tags for {}: {}", id, e.toString());
        }
    }

    private Map<String, String> tags(StoredFile stored) throws Exception {
        FileRecord file = stored.file();
        for (Replica r : stored.replicas()) {
            StorageNode node = nodes.node(r.node()).orElse(null);
            if (r.isVerified() && node != null && node.localFile(file.blob()).filter(Files::isReadable).isPresent()) {
                return tags(node.localFile(file.blob()).get().toFile(), file.contentType());
            }
        }
        if (file.size() > MAX_COPY) {
            return new LinkedHashMap<>();
        }
        for (Replica r : stored.replicas()) {
            StorageNode node = nodes.node(r.node()).orElse(null);
            if (r.isVerified() && node != null) {
                // jaudiotagger reads files: a temporary copy named with the file's extension
                String name = file.id();
                Path tmp = Files.createTempFile("caravan-tags-", name.contains(".") ? name.substring(name.lastIndexOf('.')) : "");
                try (InputStream in = node.read(file.blob(), 0, file.size())) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    return tags(tmp.toFile(), file.contentType());
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        return new LinkedHashMap<>();
    }

    private static Map<String, String> tags(java.io.File f, String contentType) throws Exception {
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.contains("webm") || type.contains("matroska")) {
            Map<String, String> out = new LinkedHashMap<>();
            MatroskaInfo.read(f.toPath()).forEach((k, v) -> put(out, k, v));
            return out;
        }
        if (type.startsWith("video/mp4") || type.startsWith("video/quicktime")) {
            return mp4(f);
        }
        AudioFile audio = AudioFileIO.read(f);
        Map<String, String> out = new LinkedHashMap<>();
        Tag tag = audio.getTag();
        if (tag != null) {
            put(out, "title", tag.getFirst(FieldKey.TITLE));
            put(out, "artist", tag.getFirst(FieldKey.ARTIST));
            put(out, "album", tag.getFirst(FieldKey.ALBUM));
        }
        AudioHeader header = audio.getAudioHeader();
        if (header != null) {
            double seconds = header.getPreciseTrackLength();
            if (seconds > 0) {
                put(out, "duration", seconds(seconds));
            }
            put(out, "codec", header.getEncodingType());
        }
        return out;
    }

    /** Duration and codecs (sample entry types, e.g. "avc1, mp4a") of an MP4/MOV video, from its movie box. */
    private static Map<String, String> mp4(java.io.File f) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (IsoFile iso = new IsoFile(f.getPath())) {
            MovieBox moov = iso.getMovieBox();
            if (moov == null) {
                return out;
            }
            MovieHeaderBox header = moov.getMovieHeaderBox();
            if (header != null && header.getTimescale() > 0) {
                put(out, "duration", seconds(header.getDuration() / (double) header.getTimescale()));
            }
            List<String> codecs = new ArrayList<>();
            for (TrackBox track : moov.getBoxes(TrackBox.class)) {
                var stsd = track.getSampleTableBox() == null ? null : track.getSampleTableBox().getSampleDescriptionBox();
                if (stsd != null && stsd.getSampleEntry() != null) {
                    codecs.add(stsd.getSampleEntry().getType());
                }
            }
            put(out, "codec", String.join(", ", codecs));
        }
        return out;
    }

    /** A duration as the {@code duration} value: seconds with three decimals. */
    static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds);
    }

    /** Keeps a tag as a metadata value: control characters dropped, cut to the longest value allowed. */
    private static void put(Map<String, String> out, String key, String value) {
        if (value == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        value.codePoints().filter(cp -> !Character.isISOControl(cp)).forEach(sb::appendCodePoint);
        String v = sb.toString().trim();
        if (!v.isEmpty()) {
            out.put(key, v.length() > FileMeta.MAX_VALUE ? v.substring(0, FileMeta.MAX_VALUE) : v);
        }
    }
}
