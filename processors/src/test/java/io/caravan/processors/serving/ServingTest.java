package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.connectors.storage.DiskStorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.replication.ReplicaVerifier;
import io.caravan.processors.serving.ServedFiles.ServedFile;
import io.caravan.processors.support.ForbiddenException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.tracker.Tracker;
import io.caravan.processors.tracker.TrackerSettings;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving choice: which copy a GET reads and how its bytes go out, on a local disk node and a "remote" one
 * (a disk node that has no local file and gives out a URL, as an S3 node does).
 */
class ServingTest {

    @TempDir
    Path dir;
    private JdbcConnectionPool ds;
    private Catalogue catalogue;
    private DiskStorageNode local;
    private DiskStorageNode remote;
    private Tracker tracker;
    private ServedFiles cache;
    private final byte[] content = "the bytes of a song".getBytes();

    /** A node whose copies are reached at {@code scheme}://s3.test/<key> only, never as local files. */
    private DiskStorageNode remote(String name, String scheme) {
        return new DiskStorageNode(name, "g1", dir.resolve(name)) {
            @Override
            public Optional<Path> localFile(String key) {
                return Optional.empty();
            }

            @Override
            public Optional<URI> directUrl(String key, Duration ttl) {
                return Optional.of(URI.create(scheme + "://s3.test/" + key));
            }
        };
    }

    @BeforeEach
    void nodes() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
        local = new DiskStorageNode("g1-a", "g1", dir.resolve("g1-a"));
        remote = remote("g1-b", "http");
        tracker = new Tracker(new StorageNodes(List.of(local, remote, remote("g1-c", "https"))), catalogue.nodes(),
                new TrackerSettings(3, Duration.ofSeconds(2), 0, Map.of()), node -> 0L, Clock.systemUTC());
        tracker.beat();
        cache = new ServedFiles(catalogue, Duration.ofSeconds(60), 100);
    }

    @AfterEach
    void close() {
        tracker.close();
        ds.dispose();
    }

    private Serving serving(boolean relay, boolean signed) {
        return new Serving(cache, catalogue.files(), tracker, new ReplicaVerifier(catalogue.replicas()),
                new UrlSigner("0123456789abcdef0123".getBytes(), signed), relay);
    }

    /** A file with a verified copy on each of {@code nodes}. */
    private FileRecord stored(String id, String... nodes) throws Exception {
        FileRecord f = new FileRecord(id, "song.mp3", content.length, Sha256.of(new ByteArrayInputStream(content)).sha256(),
                "audio/mpeg", "g1", FileRecord.STORED, Instant.now(), null);
        for (int i = 0; i < nodes.length; i++) {
            DiskStorageNode n = (DiskStorageNode) tracker.nodes().node(nodes[i]).orElseThrow();
            n.write(f.blob(), new ByteArrayInputStream(content));
            long mtime = n.stat(f.blob()).lastModified();
            if (i == 0) {
                catalogue.files().insertStored(f, Map.of(), nodes[i], mtime, OutboxEvent.of("e-" + id, id, "caravan.file.stored", "{}"));
            } else {
                catalogue.replicas().recordVerified(f.blob(), nodes[i], null, null, mtime, null);
            }
        }
        return f;
    }

    @Test
    void should_send_a_local_copy_with_sendfile_and_a_remote_one_by_relay_or_its_own_stream() throws Exception {
        stored("1-aaaaaaaaaaaa.mp3", "g1-a");
        stored("2-aaaaaaaaaaaa.mp3", "g1-b");
        stored("3-aaaaaaaaaaaa.mp3", "g1-c");
        Serving serving = serving(true, false);

        Source onDisk = serving.source(serving.file("1-aaaaaaaaaaaa.mp3", null, null, null), null, true);
        assertEquals(new Source.LocalFile(local, local.pathOf("1-aaaaaaaaaaaa.mp3")), onDisk);

        ServedFile remoteFile = serving.file("2-aaaaaaaaaaaa.mp3", null, null, null);
        assertEquals(new Source.Relay(remote, URI.create("http://s3.test/2-aaaaaaaaaaaa.mp3")), serving.source(remoteFile, null, true));
        assertInstanceOf(Source.NodeStream.class, serving.source(remoteFile, null, false), "several ranges: the node's stream");
        assertInstanceOf(Source.NodeStream.class, serving(false, false).source(remoteFile, null, true), "the relay off");
        assertInstanceOf(Source.NodeStream.class,
                serving.source(serving.file("3-aaaaaaaaaaaa.mp3", null, null, null), null, true), "TLS is read through the SDK");
    }

    @Test
    void should_skip_a_corrupt_copy_mark_it_bad_and_serve_the_good_one() throws Exception {
        FileRecord f = stored("1-aaaaaaaaaaaa.mp3", "g1-a", "g1-b");
        byte[] corrupt = content.clone();
        corrupt[0] ^= 1;
        Files.write(local.pathOf(f.blob()), corrupt);
        Serving serving = serving(true, false);
        for (int i = 0; i < 4; i++) { // whichever copy the round robin starts with
            assertEquals(remote, serving.chooseReplica(serving.file(f.id(), null, null, null), null));
        }
        Replica bad = catalogue.replicas().of(f.blob()).stream().filter(r -> r.node().equals("g1-a")).findFirst().orElseThrow();
        assertEquals(Replica.BAD, bad.state());
    }

    @Test
    void should_answer_not_found_or_unavailable_as_the_copies_are() throws Exception {
        FileRecord f = stored("1-aaaaaaaaaaaa.mp3", "g1-a");
        Serving serving = serving(true, false);
        assertThrows(NotFoundException.class, () -> serving.file("9-aaaaaaaaaaaa.mp3", null, null, null));
        assertThrows(NotFoundException.class, () -> serving.chooseReplica(serving.file(f.id(), null, null, "g1-b"), "g1-b"),
                "the node a hint names has no copy");
        tracker.drain("g1-a");
        assertThrows(UnavailableException.class, () -> serving.chooseReplica(serving.file(f.id(), null, null, null), null));
        assertEquals(List.of(), serving.readable(serving.file(f.id(), null, null, null)));
    }

    @Test
    void should_answer_on_the_network_thread_only_a_cached_file_with_a_local_copy() throws Exception {
        FileRecord onDisk = stored("1-aaaaaaaaaaaa.mp3", "g1-a");
        FileRecord remoteOnly = stored("2-aaaaaaaaaaaa.mp3", "g1-b");
        Serving serving = serving(true, false);
        assertTrue(serving.mayBlock(onDisk.id(), null), "not read yet: the catalogue must be read");
        serving.file(onDisk.id(), null, null, null);
        serving.file(remoteOnly.id(), null, null, null);
        assertFalse(serving.mayBlock(onDisk.id(), null));
        assertTrue(serving.mayBlock(remoteOnly.id(), null), "opening an S3 object blocks");
        assertTrue(serving.mayBlock(onDisk.id(), "g1-a"), "a hinted read goes to the catalogue");
        catalogue.replicas().mark(onDisk.blob(), "g1-a", Replica.BAD); // a write through this gateway evicts the file
        assertTrue(serving.mayBlock(onDisk.id(), null));
    }

    @Test
    void should_renew_a_hot_file_before_it_expires_with_what_another_gateway_wrote() throws Exception {
        FileRecord f = stored("1-aaaaaaaaaaaa.mp3", "g1-a");
        ServedFiles hot = new ServedFiles(catalogue, Duration.ofMillis(600), 100, Runnable::run); // refreshes inline
        assertEquals(1, hot.get(f.id()).orElseThrow().replicas().size());
        Catalogue otherGateway = new Catalogue(ds); // its writes do not evict this gateway's cache
        otherGateway.replicas().recordVerified(f.blob(), "g1-b", null, null, 1L, null);
        assertEquals(1, hot.cached(f.id()).orElseThrow().replicas().size(), "fresh: served from memory");
        Thread.sleep(400); // past half the cache time: this hit serves the entry and reads it again
        assertEquals(1, hot.cached(f.id()).orElseThrow().replicas().size());
        Thread.sleep(400); // past the first read's cache time, within the renewed one's
        assertEquals(2, hot.cached(f.id()).orElseThrow().replicas().size(), "renewed, with the other gateway's copy");

        otherGateway.files().markDeleted(f.id(), OutboxEvent.of("d-1", f.id(), "caravan.file.deleted", "{}"), d -> null);
        Thread.sleep(400);
        assertTrue(hot.cached(f.id()).isPresent(), "a renewal finds it deleted");
        assertTrue(hot.cached(f.id()).isEmpty(), "and forgets it");
    }

    @Test
    void should_require_a_valid_signature_when_signed_urls_are_on() throws Exception {
        FileRecord f = stored("1-aaaaaaaaaaaa.mp3", "g1-a");
        Serving serving = serving(true, true);
        assertThrows(ForbiddenException.class, () -> serving.file(f.id(), null, null, null));
        Serving.SignedUrl url = serving.signedUrl(f.id(), 60);
        String sig = url.url().substring(url.url().indexOf("sig=") + 4);
        assertEquals(f.id(), serving.file(f.id(), String.valueOf(url.expires()), sig, null).file().id());
        assertThrows(NotFoundException.class, () -> serving.signedUrl("9-aaaaaaaaaaaa.mp3", 60));
    }
}
