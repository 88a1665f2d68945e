package io.caravan.processors.replication;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.ReplicaStore;
import io.caravan.connectors.catalogue.StoredFile;
import io.caravan.connectors.catalogue.VerifiedCopy;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.events.FileEvent;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.tracker.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies file events to one node (bean {@code replicator}, called by the per-node replicator routes).
 *
 * <p>{@code caravan.file.stored}: copy the file from a node that has it verified, check size and
 * SHA-256 while writing, record the replica with the event's Kafka position. Idempotent: a verified
 * copy already present is left alone. {@code caravan.file.deleted}: remove the copy. Events of another
 * group are skipped. Events come a polled batch at a time; a failure throws, so no offset of the batch
 * is committed and the batch comes again (the copies already made are then skipped).
 */
public class Replicator {

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final FileStore files;
    private final ReplicaStore replicas;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;
    private final ExecutorService copiers;

    /**
     * @param copyThreads how many files of one batch are copied at once, by all replicators together (each
     *                    copy waits for its fsyncs, so a few in parallel keep up with many concurrent uploads)
     */
    public Replicator(FileStore files, ReplicaStore replicas, Tracker tracker, ReplicaVerifier verifier, int copyThreads) {
        this.files = files;
        this.replicas = replicas;
        this.tracker = tracker;
        this.verifier = verifier;
        AtomicInteger n = new AtomicInteger();
        this.copiers = Executors.newFixedThreadPool(Math.max(1, copyThreads), r -> {
            Thread t = new Thread(r, "caravan-copy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Applies {@code events}, in order, to node {@code nodeName}. The files of consecutive {@code stored}
     * events are looked up in one query and their copies recorded in one transaction.
     */
    public void apply(String nodeName, List<FileEvent> events) throws IOException {
        StorageNode target = tracker.nodes().node(nodeName)
                .orElseThrow(() -> new NotFoundException("unknown node " + nodeName));
        List<FileEvent> pending = new ArrayList<>();
        for (FileEvent event : events) {
            if (!target.group().equals(event.group())) {
                continue;
            }
            switch (event.type()) {
                case CloudEvents.FILE_STORED -> pending.add(event);
                case CloudEvents.FILE_DELETED -> {
                    copyAll(target, pending); // in log order: a copy before a later delete of the same bytes
                    removeUnused(target, event.blob());
                }
                default -> LOG.debug("ignoring event type {}", event.type());
            }
        }
        copyAll(target, pending);
    }

    /**
     * Copies the files of {@code pending} that this node lacks (or whose copy does not check out), records
     * the copies that were made in one transaction, even when a later one failed, and empties {@code pending}.
     */
    private void copyAll(StorageNode target, List<FileEvent> pending) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, StoredFile> stored = files.stored(pending.stream().map(FileEvent::fileId).toList());
        List<Callable<VerifiedCopy>> work = new ArrayList<>();
        Set<String> blobs = new HashSet<>();
        for (FileEvent e : pending) {
            StoredFile file = stored.get(e.fileId());
            if (file != null && blobs.add(file.file().blob())) {
                work.add(() -> copyIfNeeded(target, file, e));
            } // else deleted since (the delete event follows in the log), or bytes this batch copies already
        }
        pending.clear();
        List<VerifiedCopy> copies = new ArrayList<>();
        Exception failure = null;
        try {
            for (Future<VerifiedCopy> f : copiers.invokeAll(work)) {
                try {
                    VerifiedCopy copy = f.get();
                    if (copy != null) {
                        copies.add(copy);
                    }
                } catch (ExecutionException e) {
                    failure = failure == null ? (Exception) e.getCause() : failure;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e; // stopping: the batch is not committed and comes again
        }
        try {
            replicas.recordVerified(target.name(), copies); // the ones made, even when another failed
        } catch (RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure != null) {
            throw new IOException(failure);
        }
        // deleted while we copied: do not leave resurrected copies behind
        for (String blob : files.unusedBlobs(copies.stream().map(VerifiedCopy::blob).toList())) {
            remove(target, blob);
        }
    }

    /** Copies the stored file to {@code target} unless its copy there checks out; the copy made, or null. */
    private VerifiedCopy copyIfNeeded(StorageNode target, StoredFile stored, FileEvent event) throws IOException {
        FileRecord file = stored.file();
        Replica here = stored.replicas().stream().filter(r -> r.node().equals(target.name())).findFirst().orElse(null);
        if (here != null && here.isVerified() && verifier.trusted(target, file, here)) {
            return null; // redelivered event, or the node that took the upload: nothing to do
        }
        if (!tracker.state(target.name()).replicable()) {
            throw new IOException("node " + target.name() + " is " + tracker.state(target.name()) + ", will retry");
        }
        StoredObject written = copyBytes(target, file, stored.replicas());
        return new VerifiedCopy(file.blob(), event.partition(), event.offset(), written.lastModified(),
                CloudEvents.fileEvent(CloudEvents.REPLICA_SYNCED, file, target.name()));
    }

    /**
     * Copies {@code file} to {@code target} from another node whose copy checks out, verifying size and
     * SHA-256 on the way, and records the new replica (with {@code event}) in one transaction.
     *
     * @throws IOException when no other node has a good copy or every copy attempt failed
     */
    void copyFromGoodReplica(StorageNode target, FileRecord file, List<Replica> sources, OutboxEvent event) throws IOException {
        StoredObject written = copyBytes(target, file, sources);
        replicas.recordVerified(file.blob(), target.name(), null, null, written.lastModified(), event);
    }

    /**
     * Copies the bytes of {@code file} to {@code target} from another node whose copy checks out, verifying
     * size and SHA-256 on the way; the new copy's status, not yet recorded.
     *
     * @throws IOException when no other node has a good copy or every copy attempt failed
     */
    private StoredObject copyBytes(StorageNode target, FileRecord file, List<Replica> sources) throws IOException {
        IOException last = new IOException("no good replica of " + file.id() + " to copy from");
        for (Replica r : sources) {
            StorageNode source = tracker.nodes().node(r.node()).orElse(null);
            if (source == null || source == target || !tracker.state(r.node()).copySource()) {
                continue;
            }
            try {
                if (!verifier.trusted(source, file, r)) {
                    continue;
                }
                try (InputStream in = source.read(file.blob(), 0, file.size())) {
                    target.write(file.blob(), new VerifyingInputStream(in, file.sha256(), file.size()));
                }
                StoredObject written = target.stat(file.blob());
                if (written == null) {
                    throw new IOException("copy of " + file.blob() + " vanished from " + target.name());
                }
                LOG.debug("copied {} from {} to {}", file.id(), source.name(), target.name());
                return written;
            } catch (IOException e) {
                last = e;
                LOG.warn("copy of {} from {} to {} failed: {}", file.id(), source.name(), target.name(), e.getMessage());
            }
        }
        throw last;
    }

    /** Removes the node's copy of {@code blob} unless a stored file still uses it (dedup: other ids share it). */
    private void removeUnused(StorageNode target, String blob) throws IOException {
        if (files.blobGroup(blob).isEmpty()) {
            remove(target, blob);
        }
    }

    private void remove(StorageNode target, String blob) throws IOException {
        target.delete(blob);
        replicas.remove(blob, target.name());
    }
}
