package io.caravan.processors.replicate;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

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
 * group are skipped. A failure throws, so the offset is not committed and the event comes again.
 */
public class Replicator {

    /** Exchange header naming the node the replicator route works for. */
    public static final String NODE = "CaravanNode";

    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;

    public Replicator(Catalogue catalogue, Tracker tracker, ReplicaVerifier verifier) {
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.verifier = verifier;
    }

    /** Applies the event in the exchange body to the node named by the {@link #NODE} header. */
    public void apply(Exchange exchange) throws IOException {
        String nodeName = exchange.getIn().getHeader(NODE, String.class);
        StorageNode target = tracker.nodes().node(nodeName)
                .orElseThrow(() -> new IllegalArgumentException("unknown node " + nodeName));
        JsonNode event = HttpResponses.JSON.readTree(exchange.getIn().getBody(String.class));
        String type = event.path("type").asText();
        JsonNode data = event.path("data");
        String id = data.path("id").asText();
        if (!target.group().equals(data.path("group").asText())) {
            return;
        }
        Integer partition = exchange.getIn().getHeader(KafkaConstants.PARTITION, Integer.class);
        Long offset = exchange.getIn().getHeader(KafkaConstants.OFFSET, Long.class);
        switch (type) {
            case CloudEvents.FILE_STORED -> copy(target, id, partition, offset);
            case CloudEvents.FILE_DELETED -> removeUnused(target, data.path("blob").asText(id));
            default -> LOG.debug("ignoring event type {}", type);
        }
    }

    /** Commits the consumer offset of the event just applied. */
    public void commit(Exchange exchange) {
        KafkaManualCommit manual = exchange.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (manual != null) {
            manual.commit();
        }
    }

    private void copy(StorageNode target, String id, Integer partition, Long offset) throws IOException {
        StoredFile stored = catalogue.stored(id).orElse(null);
        if (stored == null) {
            return; // deleted since: the delete event follows in the log
        }
        FileRecord file = stored.file();
        List<Replica> replicas = stored.replicas();
        Replica here = replicas.stream().filter(r -> r.node().equals(target.name())).findFirst().orElse(null);
        if (here != null && here.isVerified() && verifier.trusted(target, file, here)) {
            return; // redelivered event, or the node that took the upload: nothing to do
        }
        if (!tracker.state(target.name()).replicable()) {
            throw new IOException("node " + target.name() + " is " + tracker.state(target.name()) + ", will retry");
        }
        copyFromGoodReplica(target, file, replicas, partition, offset,
                CloudEvents.fileEvent(CloudEvents.REPLICA_SYNCED, file, target.name()));
        if (catalogue.blobGroup(file.blob()).isEmpty()) {
            remove(target, file.blob()); // deleted while we copied: do not leave a resurrected copy behind
        }
    }

    /**
     * Copies {@code file} to {@code target} from another node whose copy checks out, verifying size and
     * SHA-256 on the way, and records the new replica (with {@code event}) in one transaction.
     *
     * @throws IOException when no other node has a good copy or every copy attempt failed
     */
    void copyFromGoodReplica(StorageNode target, FileRecord file, List<Replica> replicas, Integer partition,
                             Long offset, OutboxEvent event) throws IOException {
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
                catalogue.recordVerified(file.blob(), target.name(), partition, offset, written.lastModified(), event);
                LOG.debug("copied {} from {} to {}", file.id(), source.name(), target.name());
                return;
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
