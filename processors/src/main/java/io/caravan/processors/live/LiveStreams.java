package io.caravan.processors.live;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.LiveStore;
import io.caravan.connectors.catalogue.LiveStore.LiveFile;
import io.caravan.connectors.catalogue.LiveStore.LiveStream;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.files.BodyWriter;
import io.caravan.processors.files.UploadRequest;
import io.caravan.processors.serving.ServedFiles.ServedFile;
import io.caravan.processors.serving.Serving;
import io.caravan.processors.support.ConflictException;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.support.TooLargeException;
import io.caravan.processors.support.TooManyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live streams (bean {@code liveStreams}): what an encoder PUTs into {@code /live/<stream>/} - segments, each
 * stored as a file of the stream's group and replicated like any; playlists, kept whole in the catalogue - what
 * a player GETs back on any gateway, the stream's state, its end (EXT-X-ENDLIST, or idle for
 * {@code caravan.live.idle-timeout}) and the removal of segments once no player can still ask for them.
 */
public class LiveStreams {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStreams.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Most bytes of one playlist. */
    static final int MAX_PLAYLIST_BYTES = 1024 * 1024;
    /** How long after its end a stream still takes the segments its final playlist lists. */
    static final Duration LATE = Duration.ofSeconds(30);

    /**
     * The live settings ({@code caravan.live.*}).
     *
     * @param group           the group of streams that name none (null: the placement's choice at their start)
     * @param record          whether a stream's session becomes a recording when it ends (unless its creation said)
     * @param idleTimeout     how long a LIVE stream may receive nothing before it is ENDED
     * @param maxSegmentBytes the most bytes of one segment
     * @param maxStreams      the most streams LIVE at once
     */
    public record LiveSettings(String group, boolean record, Duration idleTimeout, long maxSegmentBytes, int maxStreams) {
    }

    /** A stored live file: the stream, its name and size, and the stored file behind it (null for a playlist). */
    public record Written(String stream, String name, long size, String fileId) {
    }

    /** A playlist as served and how long a player may keep it. */
    public record Served(String text, String etag, int maxAgeSeconds) {
    }

    private final LiveStore store;
    private final BodyWriter writer;
    private final Serving serving;
    private final LiveSettings settings;
    private final Clock clock;

    public LiveStreams(LiveStore store, BodyWriter writer, Serving serving, LiveSettings settings, Clock clock) {
        this.store = store;
        this.writer = writer;
        this.serving = serving;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Creates stream {@code name} with a publishing key of its own (returned, once): PUTs to it are accepted with
     * that key as well as with an API key. {@code record} null takes {@code caravan.live.record}.
     */
    public String create(String name, String group, Boolean record) {
        LiveNames.stream(name);
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String key = "live-" + HexFormat.of().formatHex(raw);
        if (!store.create(name, group == null || group.isBlank() ? null : group.trim(), Sha256.hex(key),
                record == null ? settings.record() : record, clock.instant())) {
            throw new ConflictException("stream " + name + " exists");
        }
        return key;
    }

    /** {@code true} when {@code key} is the publishing key stream {@code name} was created with. */
    public boolean acceptsKey(String name, String key) {
        if (key == null) {
            return false;
        }
        return store.stream(name).map(LiveStream::keySha256)
                .map(h -> java.security.MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8),
                        Sha256.hex(key).getBytes(StandardCharsets.UTF_8)))
                .orElse(false);
    }

    /**
     * Takes file {@code name} of stream {@code stream} from an encoder: a playlist is checked and replaces the
     * last one whole (a bad one is refused and the last good one stays); anything else is stored as a segment.
     * The first write of a stream that is not LIVE starts it.
     */
    public Written put(String stream, String name, InputStream body) throws IOException {
        LiveNames.stream(stream);
        LiveNames.file(name);
        LiveStream s = store.stream(stream).orElse(null);
        LiveStore.Listed late = LiveNames.isPlaylist(name) ? null : late(s, name);
        if (late == null) {
            s = started(stream);
        }
        if (LiveNames.isPlaylist(name)) {
            return putPlaylist(s, name, body);
        }
        String group = s.group() != null ? s.group() : settings.group();
        String fileName = stream + "-" + name;
        BodyWriter.Bytes bytes;
        try {
            bytes = writer.write(new UploadRequest(fileName, LiveNames.type(name), group, Map.of(), null, -1, false), fileName,
                    new Limited(body, settings.maxSegmentBytes()));
        } catch (IOException e) {
            if (!Limited.isOver(e)) {
                throw e;
            }
            throw new TooLargeException("a live segment is at most " + settings.maxSegmentBytes() + " bytes (caravan.live.max-segment-bytes)");
        }
        if (bytes.size() == 0) {
            bytes.delete();
            throw new InvalidInputException("empty live file " + name);
        }
        if (s.group() == null) {
            store.claimGroup(stream, bytes.node().group());
        }
        Instant now = clock.instant();
        FileRecord file = new FileRecord(bytes.id(), fileName, bytes.size(), bytes.sha256(), LiveNames.type(name), bytes.node().group(),
                FileRecord.STORED, now.truncatedTo(ChronoUnit.MILLIS), null);
        boolean recorded;
        try {
            StoredObject o = bytes.node().stat(bytes.id());
            Long mtime = o == null ? null : o.lastModified();
            recorded = add(s, name, bytes, file, mtime, late, now);
            if (!recorded && late == null) {
                // ffmpeg pipelines the last segment and the playlist that ends the stream on one connection, and they
                // are handled at once: the playlist may end the stream while this segment is stored
                LiveStream now2 = store.stream(stream).orElse(null);
                LiveStore.Listed listed = late(now2, name);
                if (listed != null && now2.session() == s.session()) {
                    recorded = add(now2, name, bytes, file, mtime, listed, now);
                }
            }
        } catch (IOException | RuntimeException e) {
            bytes.delete();
            throw e;
        }
        if (!recorded) {
            bytes.delete();
            throw new ConflictException("stream " + stream + " ended while " + name + " was sent: send it again to start a new session");
        }
        return new Written(stream, name, bytes.size(), bytes.id());
    }

    private boolean add(LiveStream s, String name, BodyWriter.Bytes bytes, FileRecord file, Long mtime, LiveStore.Listed late, Instant now) {
        return store.addFile(new LiveFile(bytes.id(), s.name(), s.session(), name, late == null ? null : s.playlist(),
                        late == null ? null : late.msn(), late == null ? null : late.durationMs(), now, null, null, null), file,
                bytes.node().name(), mtime,
                CloudEvents.fileEvent(CloudEvents.FILE_STORED, file, bytes.node().name(), Map.of(), liveData(s.name())), now, late != null);
    }

    private Written putPlaylist(LiveStream s, String name, InputStream body) throws IOException {
        byte[] bytes = readAll(body, MAX_PLAYLIST_BYTES);
        LivePlaylist p = LivePlaylist.parse(new String(bytes, StandardCharsets.UTF_8));
        List<LiveStore.Listed> listed = new ArrayList<>();
        if (p.map() != null) {
            listed.add(new LiveStore.Listed(p.map(), -1, 0));
        }
        for (LivePlaylist.Segment seg : p.segments()) {
            listed.add(new LiveStore.Listed(seg.name(), seg.msn(), seg.durationMs()));
        }
        Instant now = clock.instant();
        if (!store.putPlaylist(new LiveStore.LivePlaylist(s.name(), name, p.text(), p.targetMs(), p.windowMs(), now), s.session(), listed,
                p.ended() && !p.master(), now, ended -> CloudEvents.liveEvent(CloudEvents.LIVE_ENDED, ended.name(), view(ended)))) {
            throw new ConflictException("stream " + s.name() + " ended while its playlist was sent");
        }
        if (p.ended() && !p.master()) {
            LOG.info("live stream {} ended by its encoder (EXT-X-ENDLIST), {} segments", s.name(), p.segments().size());
        }
        return new Written(s.name(), name, bytes.length, null);
    }

    /**
     * The encoder removed {@code name} from its playlist: it stays readable for its duration plus the playlist's,
     * as players may still hold a playlist that lists it (RFC 8216 6.2.2), then its bytes go from every replica
     * (after the stream's recording, when it is recorded). A playlist's DELETE changes nothing.
     */
    public void remove(String stream, String name) {
        LiveNames.stream(stream);
        LiveNames.file(name);
        if (LiveNames.isPlaylist(name)) {
            return;
        }
        LiveStream s = store.stream(stream).orElseThrow(() -> new NotFoundException("no live stream " + stream));
        long window = Optional.ofNullable(s.playlist()).flatMap(p -> store.playlist(stream, p)).map(LiveStore.LivePlaylist::windowMs).orElse(0L);
        Instant now = clock.instant();
        boolean keep = LiveStore.RECORDING.equals(s.recordingState());
        if (!store.remove(stream, name, now, f -> now.plusMillis(window + (f.durationMs() == null ? 0 : f.durationMs())), keep)) {
            throw new NotFoundException("no live file " + name + " in stream " + stream);
        }
    }

    /** The state of stream {@code name}. */
    public Map<String, Object> state(String name) {
        return view(store.stream(LiveNames.stream(name)).orElseThrow(() -> new NotFoundException("no live stream " + name)));
    }

    /** Every stream, the most recently active first. */
    public List<Map<String, Object>> list() {
        return store.streams(500).stream().map(LiveStreams::view).toList();
    }

    /**
     * Playlist {@code name} of stream {@code stream} as this gateway serves it: only the segments it can serve
     * (stored, with a readable copy), cacheable for half the target duration at most.
     */
    public Served playlist(String stream, String name) {
        LiveNames.stream(stream);
        LiveNames.file(name);
        LiveStore.LivePlaylist stored = store.playlist(stream, name).orElseThrow(() -> new NotFoundException("no playlist " + name
                + " in live stream " + stream));
        LivePlaylist p = LivePlaylist.parse(stored.body());
        Map<String, LiveFile> files = store.current(stream);
        Instant now = clock.instant();
        String text = p.served(segment -> servable(files.get(segment), now));
        String etag = "\"" + Sha256.hex(text).substring(0, 16) + "\"";
        return new Served(text, etag, (int) Math.max(0, stored.targetMs() / 2000));
    }

    /** The stored file behind segment {@code name} of {@code stream}; not found once it expired. */
    public String segment(String stream, String name) {
        LiveNames.stream(stream);
        LiveNames.file(name);
        LiveFile f = store.file(stream, name).orElseThrow(() -> new NotFoundException("no live file " + name + " in stream " + stream));
        if (f.expires() != null && !clock.instant().isBefore(f.expires())) {
            throw new NotFoundException("live file " + name + " of stream " + stream + " was removed");
        }
        return f.fileId();
    }

    /**
     * The timer's work (route {@code live-watch}): ends streams idle for {@code caravan.live.idle-timeout}, and
     * deletes the files of segments no player can ask for any more; the number of files deleted.
     */
    public int tick() {
        Instant now = clock.instant();
        for (String name : store.endIdle(now.minus(settings.idleTimeout()), now,
                s -> CloudEvents.liveEvent(CloudEvents.LIVE_ENDED, s.name(), view(s)))) {
            LOG.info("live stream {} ended: nothing came for {}", name, settings.idleTimeout());
        }
        int purged = 0;
        for (LiveFile f : store.due(now, 500)) {
            FileRecord file;
            try {
                file = serving.stored(f.fileId()).file();
            } catch (NotFoundException gone) {
                file = new FileRecord(f.fileId(), f.stream() + "-" + f.name(), 0, null, LiveNames.type(f.name()), null,
                        FileRecord.DELETED, f.created(), null);
            }
            store.purge(f, CloudEvents.fileEvent(CloudEvents.FILE_DELETED, file, null, Map.of(), liveData(f.stream())));
            purged++;
        }
        return purged;
    }

    private boolean servable(LiveFile f, Instant now) {
        if (f == null || (f.expires() != null && !now.isBefore(f.expires()))) {
            return false;
        }
        try {
            ServedFile stored = serving.stored(f.fileId());
            return !serving.readable(stored).isEmpty();
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * What the final playlist of stream {@code s} says of segment {@code name} when the segment arrives just
     * after that playlist ended the stream: an encoder sends them on two connections, so the last segment may
     * come second. Null for anything else (a write that starts a new session).
     */
    private LiveStore.Listed late(LiveStream s, String name) {
        if (s == null || !LiveStore.ENDED.equals(s.state()) || s.playlist() == null || s.ended() == null
                || s.ended().isBefore(clock.instant().minus(LATE))) {
            return null;
        }
        if (store.current(s.name()).containsKey(name)) {
            return null;
        }
        LivePlaylist p = store.playlist(s.name(), s.playlist()).map(x -> LivePlaylist.parse(x.body())).orElse(null);
        if (p == null || !p.ended()) {
            return null;
        }
        if (name.equals(p.map())) {
            return new LiveStore.Listed(name, -1, 0);
        }
        return p.segments().stream().filter(seg -> seg.name().equals(name)).findFirst()
                .map(seg -> new LiveStore.Listed(name, seg.msn(), seg.durationMs())).orElse(null);
    }

    /** A stream that is LIVE: started now when it is not. */
    private LiveStream started(String stream) {
        LiveStream s = store.stream(stream).orElse(null);
        if (s != null && LiveStore.LIVE.equals(s.state())) {
            return s;
        }
        LiveStore.Start start = store.start(stream, settings.record(), settings.maxStreams(), clock.instant(),
                st -> CloudEvents.liveEvent(CloudEvents.LIVE_STARTED, st.name(), view(st)));
        if (start.refused()) {
            throw new TooManyException(settings.maxStreams() + " live streams are live already (caravan.live.max-streams)");
        }
        if (start.started()) {
            LOG.info("live stream {} started (session {})", stream, start.stream().session());
        }
        return start.stream();
    }

    static Map<String, Object> liveData(String stream) {
        return Map.of("kind", CloudEvents.LIVE_KIND, "stream", stream);
    }

    /** A stream as {@code GET /live/{stream}} and the live events show it. */
    static Map<String, Object> view(LiveStream s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", s.name());
        v.put("state", s.state());
        v.put("group", s.group());
        v.put("session", s.session());
        v.put("started", s.started() == null ? null : s.started().toString());
        v.put("segments", s.segments());
        v.put("lastSegmentAt", s.lastSegmentAt() == null ? null : s.lastSegmentAt().toString());
        if (s.ended() != null) {
            v.put("ended", s.ended().toString());
        }
        if (s.playlist() != null) {
            v.put("playlist", "/live/" + s.name() + "/" + s.playlist());
        }
        v.put("record", s.record());
        if (s.recordingState() != null && !LiveStore.RECORD_OFF.equals(s.recordingState())) {
            v.put("recordingState", s.recordingState());
        }
        if (s.recording() != null) {
            v.put("recording", s.recording());
        }
        if (s.recordingError() != null) {
            v.put("recordingError", s.recordingError());
        }
        return v;
    }

    private static byte[] readAll(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            if (out.size() > max) {
                throw new TooLargeException("a playlist is at most " + max + " bytes");
            }
        }
        return out.toByteArray();
    }

    /** A body that fails (an I/O error, so nothing is kept) once it passes {@code max} bytes. */
    static final class Limited extends FilterInputStream {
        static final class Over extends IOException {
            Over() {
                super("over the limit");
            }
        }

        /** {@code true} when {@code e} (or what caused it: a storage node may wrap it) is the limit's. */
        static boolean isOver(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Over) {
                    return true;
                }
            }
            return false;
        }

        private final long max;
        private long count;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && ++count > max) {
                throw new Over();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && (count += n) > max) {
                throw new Over();
            }
            return n;
        }
    }
}
