package io.caravan.processors.replicate;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
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

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.OutboxEvent;
import io.caravan.processors.catalogue.Replica;
import io.caravan.processors.catalogue.StoredFile;
import io.caravan.processors.http.HttpResponses;
import io.caravan.processors.tracker.Tracker;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
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

    /** Exchange header naming the node the replicator route works for. */
    public static final String NODE = "CaravanNode";

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;

    private final ExecutorService copiers;

    /**
     * @param copyThreads how many files of one batch are copied at once, by all replicators together (each
     *                    copy waits for its fsyncs, so a few in parallel keep up with many concurrent uploads)
     */
    public Replicator(Catalogue catalogue, Tracker tracker, ReplicaVerifier verifier, int copyThreads) {
        this.catalogue = catalogue;
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
     * Applies the events in the exchange body, in order, to the node named by the {@link #NODE} header. The
     * body is one polled batch (a list of Kafka record exchanges, the consumer's {@code batching} mode) or a
     * single record. The files of consecutive {@code stored} events are looked up in one query and their
     * copies recorded in one transaction.
     */
    public void apply(Exchange exchange) throws IOException {
        String nodeName = exchange.getIn().getHeader(NODE, String.class);
        StorageNode target = tracker.nodes().node(nodeName)
                .orElseThrow(() -> new IllegalArgumentException("unknown node " + nodeName));
        List<Pending> pending = new ArrayList<>();
        for (Exchange record : records(exchange)) {
            JsonNode event = HttpResponses.JSON.readTree(record.getIn().getBody(String.class));
            String type = event.path("type").asText();
            JsonNode data = event.path("data");
            if (!target.group().equals(data.path("group").asText())) {
                continue;
            }
            String id = data.path("id").asText();
            switch (type) {
                case CloudEvents.FILE_STORED -> pending.add(new Pending(id,
                        record.getIn().getHeader(KafkaConstants.PARTITION, Integer.class),
                        record.getIn().getHeader(KafkaConstants.OFFSET, Long.class)));
                case CloudEvents.FILE_DELETED -> {
                    copyAll(target, pending); // in log order: a copy before a later delete of the same bytes
                    removeUnused(target, data.path("blob").asText(id));
                }
                default -> LOG.debug("ignoring event type {}", type);
            }
        }
        copyAll(target, pending);
    }

    /** Commits, for each partition in the exchange body (a batch or one record), the offset after its last event. */
    public void commit(Exchange exchange) {
        Map<Integer, KafkaManualCommit> lastPerPartition = new HashMap<>();
        for (Exchange record : records(exchange)) {
            KafkaManualCommit manual = record.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (manual != null) {
                lastPerPartition.put(record.getIn().getHeader(KafkaConstants.PARTITION, Integer.class), manual);
            }
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }

    /** The record exchanges of a batching consumer's exchange, or the exchange itself when it is one record. */
    private static List<Exchange> records(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof List<?> list && (list.isEmpty() || list.get(0) instanceof Exchange)) {
            return list.stream().map(Exchange.class::cast).toList();
        }
        return List.of(exchange);
    }

    /** A {@code stored} event waiting to be applied: the file and the event's position. */
    private record Pending(String id, Integer partition, Long offset) {
    }

    /**
     * Copies the files of {@code pending} that this node lacks (or whose copy does not check out), records
     * the copies that were made in one transaction, even when a later one failed, and empties {@code pending}.
     */
    private void copyAll(StorageNode target, List<Pending> pending) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        Map<String, StoredFile> files = catalogue.stored(pending.stream().map(Pending::id).toList());
        List<Callable<Catalogue.VerifiedCopy>> work = new ArrayList<>();
        Set<String> blobs = new HashSet<>();
        for (Pending p : pending) {
            StoredFile stored = files.get(p.id());
            if (stored != null && blobs.add(stored.file().blob())) {
                work.add(() -> copyIfNeeded(target, stored, p));
            } // else deleted since (the delete event follows in the log), or bytes this batch copies already
        }
        pending.clear();
        List<Catalogue.VerifiedCopy> copies = new ArrayList<>();
        Exception failure = null;
        try {
            for (Future<Catalogue.VerifiedCopy> f : copiers.invokeAll(work)) {
                try {
                    Catalogue.VerifiedCopy copy = f.get();
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
            catalogue.recordVerified(target.name(), copies); // the ones made, even when another failed
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
        for (String blob : catalogue.unusedBlobs(copies.stream().map(Catalogue.VerifiedCopy::blob).toList())) {
            remove(target, blob);
        }
    }

    /** Copies the stored file to {@code target} unless its copy there checks out; the copy made, or null. */
    private Catalogue.VerifiedCopy copyIfNeeded(StorageNode target, StoredFile stored, Pending p) throws IOException {
        FileRecord file = stored.file();
        Replica here = stored.replicas().stream().filter(r -> r.node().equals(target.name())).findFirst().orElse(null);
        if (here != null && here.isVerified() && verifier.trusted(target, file, here)) {
            return null; // redelivered event, or the node that took the upload: nothing to do
        }
        if (!tracker.state(target.name()).replicable()) {
            throw new IOException("node " + target.name() + " is " + tracker.state(target.name()) + ", will retry");
        }
        StoredObject written = copyBytes(target, file, stored.replicas());
        return new Catalogue.VerifiedCopy(file.blob(), p.partition(), p.offset(), written.lastModified(),
                CloudEvents.fileEvent(CloudEvents.REPLICA_SYNCED, file, target.name()));
    }

    /**
     * Copies {@code file} to {@code target} from another node whose copy checks out, verifying size and
     * SHA-256 on the way, and records the new replica (with {@code event}) in one transaction.
     *
     * @throws IOException when no other node has a good copy or every copy attempt failed
     */
    void copyFromGoodReplica(StorageNode target, FileRecord file, List<Replica> replicas, Integer partition,
                             Long offset, OutboxEvent event) throws IOException {
        StoredObject written = copyBytes(target, file, replicas);
        catalogue.recordVerified(file.blob(), target.name(), partition, offset, written.lastModified(), event);
    }

    /**
     * Copies the bytes of {@code file} to {@code target} from another node whose copy checks out, verifying
     * size and SHA-256 on the way; the new copy's status, not yet recorded.
     *
     * @throws IOException when no other node has a good copy or every copy attempt failed
     */
    private StoredObject copyBytes(StorageNode target, FileRecord file, List<Replica> replicas) throws IOException {
        IOException last = new IOException("no good replica of " + file.id() + " to copy from");
        for (Replica r : replicas) {
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
        if (catalogue.blobGroup(blob).isEmpty()) {
            remove(target, blob);
        }
    }

    private void remove(StorageNode target, String blob) throws IOException {
        target.delete(blob);
        catalogue.removeReplica(blob, target.name());
    }
}
