package io.caravan.processors.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.MemoryDatabase;
import io.caravan.connectors.storage.DiskStorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.events.FileEvent;
import io.caravan.processors.support.Sha256;
import io.caravan.processors.tracker.NodeState;
import io.caravan.processors.tracker.Tracker;
import io.caravan.processors.tracker.TrackerSettings;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicator between two real disk nodes of one group, in a temporary directory, on an in-memory catalogue. */
class ReplicatorTest {

    @TempDir
    Path dir;
    private JdbcConnectionPool ds;
    private Catalogue catalogue;
    private DiskStorageNode a;
    private DiskStorageNode b;
    private Tracker tracker;
    private Replicator replicator;
    private final Random random = new Random(11);

    @BeforeEach
    void nodes() throws Exception {
        ds = MemoryDatabase.open();
        catalogue = new Catalogue(ds);
        a = new DiskStorageNode("g1-a", "g1", dir.resolve("g1-a"));
        b = new DiskStorageNode("g1-b", "g1", dir.resolve("g1-b"));
        tracker = new Tracker(new StorageNodes(List.of(a, b, new DiskStorageNode("g2-a", "g2", dir.resolve("g2-a")))),
                catalogue.nodes(), new TrackerSettings(3, Duration.ofSeconds(2), 0, Map.of()), node -> 0L, Clock.systemUTC());
        tracker.beat();
        replicator = new Replicator(catalogue.files(), catalogue.replicas(), tracker, new ReplicaVerifier(catalogue.replicas()), 2);
    }

    @AfterEach
    void close() {
        tracker.close();
        ds.dispose();
    }

    /** A file uploaded to g1-a: its bytes on the node, its row, its first replica and its event. */
    private FileRecord uploaded(String id, byte[] bytes, String blob) throws IOException {
        FileRecord f = new FileRecord(id, id, bytes.length, Sha256.of(new ByteArrayInputStream(bytes)).sha256(),
                "application/octet-stream", "g1", FileRecord.STORED, Instant.now(), blob);
        if (blob == null) {
            a.write(id, new ByteArrayInputStream(bytes));
            catalogue.files().insertStored(f, Map.of(), "g1-a", a.stat(id).lastModified(), CloudEvents.fileEvent(CloudEvents.FILE_STORED, f, "g1-a"));
        } else {
            catalogue.files().insertSharing(f, Map.of(), CloudEvents.fileEvent(CloudEvents.FILE_STORED, f, null));
        }
        return f;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static FileEvent event(String type, FileRecord f, int partition, long offset) {
        return new FileEvent(type, f.id(), f.blob(), f.group(), f.contentType(), partition, offset);
    }

    private Replica replicaOn(FileRecord f, String node) {
        return catalogue.replicas().of(f.blob()).stream().filter(r -> r.node().equals(node)).findFirst().orElse(null);
    }

    @Test
    void should_copy_a_stored_file_byte_exact_and_record_it_with_its_position_and_event() throws Exception {
        byte[] content = bytes(300_000);
        FileRecord f = uploaded("1-aaaaaaaaaaaa.bin", content, null);
        long eventsBefore = catalogue.outbox().unsent();

        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 3, 42)));

        assertArrayEquals(content, Files.readAllBytes(b.pathOf(f.blob())));
        Replica copy = replicaOn(f, "g1-b");
        assertTrue(copy.isVerified());
        assertEquals(3, copy.partition());
        assertEquals(42L, copy.offset());
        assertEquals(b.stat(f.blob()).lastModified(), copy.verifiedMtime());
        List<OutboxEvent> events = catalogue.outbox().pending(100);
        assertEquals(eventsBefore + 1, events.size());
        assertEquals(CloudEvents.REPLICA_SYNCED, events.get(events.size() - 1).type());

        long mtime = b.stat(f.blob()).lastModified();
        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 3, 42))); // redelivered
        assertEquals(mtime, b.stat(f.blob()).lastModified(), "a verified copy is left alone");
        assertEquals(eventsBefore + 1, catalogue.outbox().unsent(), "and announced once");
    }

    @Test
    void should_refuse_to_copy_from_a_corrupt_source_and_record_nothing() throws Exception {
        byte[] content = bytes(5_000);
        FileRecord f = uploaded("1-aaaaaaaaaaaa.bin", content, null);
        content[100] ^= 1;
        Files.write(a.pathOf(f.blob()), content); // same size, other bytes, a new modification time

        IOException e = assertThrows(IOException.class, () -> replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 0, 1))));
        assertTrue(e.getMessage().contains("no good replica"), e.getMessage());
        assertFalse(Files.exists(b.pathOf(f.blob())), "no bad copy was made");
        assertEquals(null, replicaOn(f, "g1-b"));
        assertEquals(Replica.BAD, replicaOn(f, "g1-a").state(), "the source's copy is known to be bad now");
    }

    @Test
    void should_apply_a_delete_after_the_copy_it_follows_and_keep_bytes_other_files_share() throws Exception {
        FileRecord f = uploaded("1-aaaaaaaaaaaa.bin", bytes(1_000), null);
        FileRecord shared = uploaded("2-aaaaaaaaaaaa.bin", Files.readAllBytes(a.pathOf(f.blob())), f.blob());
        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 0, 1), event(CloudEvents.FILE_STORED, shared, 0, 2)));
        assertTrue(Files.exists(b.pathOf(f.blob())));

        catalogue.files().markDeleted(f.id(), CloudEvents.fileEvent(CloudEvents.FILE_DELETED, f, null), d -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, d, null));
        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_DELETED, f, 0, 3)));
        assertTrue(Files.exists(b.pathOf(f.blob())), "the second file still uses the bytes");

        catalogue.files().markDeleted(shared.id(), CloudEvents.fileEvent(CloudEvents.FILE_DELETED, shared, null), d -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, d, null));
        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_DELETED, shared, 0, 4)));
        assertFalse(Files.exists(b.pathOf(f.blob())), "the last user is gone: so are the bytes");
        assertEquals(null, replicaOn(f, "g1-b"));
    }

    @Test
    void should_skip_other_groups_and_wait_for_a_node_that_takes_no_copies() throws Exception {
        FileRecord f = uploaded("1-aaaaaaaaaaaa.bin", bytes(1_000), null);
        replicator.apply("g2-a", List.of(event(CloudEvents.FILE_STORED, f, 0, 1)));
        assertFalse(Files.exists(dir.resolve("g2-a").resolve(f.blob())), "g2 keeps g2's files only");

        tracker.drain("g1-b");
        assertEquals(NodeState.DRAINED, tracker.state("g1-b"));
        IOException e = assertThrows(IOException.class, () -> replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 0, 1))));
        assertTrue(e.getMessage().contains("will retry"), e.getMessage());
        assertFalse(Files.exists(b.pathOf(f.blob())));
    }

    @Test
    void should_not_resurrect_a_file_deleted_before_its_copy() throws Exception {
        FileRecord f = uploaded("1-aaaaaaaaaaaa.bin", bytes(1_000), null);
        catalogue.files().markDeleted(f.id(), CloudEvents.fileEvent(CloudEvents.FILE_DELETED, f, null), d -> CloudEvents.fileEvent(CloudEvents.FILE_DELETED, d, null));
        replicator.apply("g1-b", List.of(event(CloudEvents.FILE_STORED, f, 0, 1)));
        assertFalse(Files.exists(b.pathOf(f.blob())), "the stored event of a deleted file copies nothing");
    }
}
