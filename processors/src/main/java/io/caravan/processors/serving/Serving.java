package io.caravan.processors.serving;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.replication.ReplicaVerifier;
import io.caravan.processors.serving.ServedFiles.ServedFile;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.tracker.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving choice (bean {@code serving}): which stored file a GET names, which of its copies is read
 * (verified, on a readable node, checked before it is chosen; the next one when it fails), and how its
 * bytes go out ({@link Source}). Signed URLs for a file, too.
 */
public class Serving {

    /** A signed URL (path and query) for a file and when it expires (unix seconds). */
    public record SignedUrl(String url, long expires) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);
    /** Validity of the presigned URL a relay sends at once (long enough for clocks a little apart). */
    private static final Duration RELAY_URL_TTL = Duration.ofHours(1);
    private static final long MAX_TTL_SECONDS = 366L * 24 * 3600;

    private final ServedFiles files;
    private final FileStore catalogue;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;
    private final UrlSigner signer;
    private final boolean relay;
    private final boolean redirect;
    private final Duration redirectTtl;
    private final AtomicInteger turn = new AtomicInteger();

    /**
     * @param relay whether one range of a copy at a plain-HTTP URL is relayed from it rather than read through
     *              the node's client ({@code caravan.http.s3-relay})
     */
    public Serving(ServedFiles files, FileStore catalogue, Tracker tracker, ReplicaVerifier verifier, UrlSigner signer,
                   boolean relay) {
        this(files, catalogue, tracker, verifier, signer, relay, false, Duration.ofMinutes(5));
    }

    /**
     * @param redirect    whether a GET of a copy on a node with its own URL (S3) answers 307 to a presigned URL of it,
     *                    so the bytes bypass the gateway ({@code caravan.http.read-mode=redirect})
     * @param redirectTtl how long that URL is valid ({@code caravan.http.redirect-ttl})
     */
    public Serving(ServedFiles files, FileStore catalogue, Tracker tracker, ReplicaVerifier verifier, UrlSigner signer,
                   boolean relay, boolean redirect, Duration redirectTtl) {
        this.redirect = redirect;
        this.redirectTtl = redirectTtl;
        this.files = files;
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.verifier = verifier;
        this.signer = signer;
        this.relay = relay;
    }

    /**
     * Whether serving {@code id} may block (read the catalogue, open a remote object): {@code false} only for a
     * file fresh in the read cache with a verified copy on a local disk and no {@code hint}.
     */
    public boolean mayBlock(String id, String hint) {
        if (hint != null) {
            return true;
        }
        ServedFile cached = files.cached(id).orElse(null);
        if (cached == null) {
            return true;
        }
        for (Replica r : cached.replicas()) {
            if (r.isVerified() && tracker.nodes().node(r.node()).flatMap(n -> n.localFile(r.blob())).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The stored file a GET of {@code id} serves, after its signature ({@code expires}, {@code sig}) is checked when
     * signed URLs are required. With {@code hint} (a node a manifest named) the catalogue is read afresh.
     */
    public ServedFile file(String id, String expires, String sig, String hint) {
        if (signer.required()) {
            signer.check(id, expires, sig, Instant.now());
        }
        if (hint != null) {
            files.evict(id); // a node's copy named by a manifest may be newer than the cache
        }
        return files.get(id).orElseThrow(() -> NotFoundException.file(id));
    }

    /**
     * Where to read {@code stored}'s bytes: a local file, a URL to relay when {@code relayable} (one range of a
     * copy at a plain-HTTP URL), or the node's own stream.
     */
    public Source source(ServedFile stored, String hint, boolean relayable) throws IOException {
        StorageNode node = chooseReplica(stored, hint);
        Optional<Path> local = node.localFile(stored.file().blob());
        if (local.isPresent()) {
            return new Source.LocalFile(node, local.get());
        }
        if (relayable && relay) {
            Optional<URI> url = node.directUrl(stored.file().blob(), RELAY_URL_TTL).filter(u -> "http".equalsIgnoreCase(u.getScheme()));
            if (url.isPresent()) {
                return new Source.Relay(node, url.get());
            }
        }
        return new Source.NodeStream(node);
    }

    /**
     * In redirect read mode, the presigned URL of the verified copy a GET of {@code stored} would read, when that copy
     * is on a node with its own URL (S3); empty in proxy mode and for copies on local disks, which are sent as before.
     */
    public Optional<Redirect> redirect(ServedFile stored, String hint) throws IOException {
        if (!redirect) {
            return Optional.empty();
        }
        StorageNode node = chooseReplica(stored, hint);
        if (node.localFile(stored.file().blob()).isPresent()) {
            return Optional.empty();
        }
        return node.directUrl(stored.file().blob(), redirectTtl).map(url -> new Redirect(node.name(), url));
    }

    /** Where a GET is sent in redirect read mode: the node and the presigned URL of its copy. */
    public record Redirect(String node, URI url) {
    }

    /** How long a redirect's presigned URL is valid. */
    public Duration redirectTtl() {
        return redirectTtl;
    }

    /**
     * The first verified replica, on a readable node, whose copy still checks out (see {@link ReplicaVerifier}).
     * If none does and the replicas came from the cache ({@link ServedFiles}), they are read again once (another
     * gateway may have deleted the file or re-placed it): not found if the file is gone, unavailable if still no
     * replica. With {@code hint} (a node name, {@code ?replica=}, as manifests give it) only that node's copy is
     * used: not found if it has no verified copy, unavailable if that copy cannot be read now.
     */
    public StorageNode chooseReplica(ServedFile stored, String hint) {
        String id = stored.file().id();
        if (hint != null && stored.replicas().stream().noneMatch(r -> r.node().equals(hint) && r.isVerified())) {
            throw new NotFoundException("node " + hint + " has no verified copy of " + id);
        }
        StorageNode node = firstTrusted(stored, hint);
        if (node == null && hint == null) {
            files.evict(id);
            node = firstTrusted(files.get(id).orElseThrow(() -> NotFoundException.file(id)), null);
        }
        if (node == null) {
            throw new UnavailableException("no readable replica of " + id + (hint == null ? "" : " on " + hint) + " is available");
        }
        return node;
    }

    /**
     * The whole of the stored file {@code id}, read from a verified replica, with no signature asked: for Caravan's
     * own routes (an extension mirroring files), not for HTTP clients.
     */
    public InputStream open(String id) throws IOException {
        ServedFile stored = files.get(id).orElseThrow(() -> NotFoundException.file(id));
        return chooseReplica(stored, null).read(stored.file().blob(), 0, stored.file().size());
    }

    /** The stored file {@code id} as served, with no signature asked: for files a checked request names (HLS media). */
    public ServedFile stored(String id) {
        return files.get(id).orElseThrow(() -> NotFoundException.file(id));
    }

    /** {@code true} when {@code id} is a stored file. */
    public boolean exists(String id) {
        return files.get(id).isPresent();
    }

    /** The verified replicas on nodes this gateway knows and the tracker lets it read from. */
    public List<Replica> readable(ServedFile stored) {
        List<Replica> out = new ArrayList<>();
        for (Replica r : stored.replicas()) {
            if (r.isVerified() && tracker.state(r.node()).readable() && tracker.nodes().node(r.node()).isPresent()) {
                out.add(r);
            }
        }
        return out;
    }

    /** A URL for the stored file {@code id} valid for {@code ttlSeconds} (1 second to 1 year). */
    public SignedUrl signedUrl(String id, long ttlSeconds) {
        FileRecord file = catalogue.findStored(id).orElseThrow(() -> NotFoundException.file(id));
        if (ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
            throw new InvalidInputException("ttl must be between 1 second and 1 year");
        }
        Instant now = Instant.now();
        return new SignedUrl(signer.signedPath(file.id(), ttlSeconds, now), now.getEpochSecond() + ttlSeconds);
    }

    /** The signer of this gateway's URLs. */
    public UrlSigner signer() {
        return signer;
    }

    /**
     * Tries the readable verified replicas (only {@code hint}'s, when given) in turn, round-robin start;
     * {@code null} when none checks out.
     */
    private StorageNode firstTrusted(ServedFile stored, String hint) {
        FileRecord file = stored.file();
        List<Replica> candidates = readable(stored).stream().filter(r -> hint == null || hint.equals(r.node())).toList();
        int start = candidates.isEmpty() ? 0 : Math.floorMod(turn.getAndIncrement(), candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            Replica r = candidates.get((start + i) % candidates.size());
            StorageNode node = tracker.nodes().node(r.node()).orElse(null);
            try {
                if (node != null && verifier.trusted(node, file, r)) {
                    return node;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("replica of {} on {} failed, trying the next: {}", file.id(), r.node(), e.getMessage());
            }
        }
        return null;
    }
}
