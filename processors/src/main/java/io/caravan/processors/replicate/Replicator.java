package io.caravan.processors.replicate;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.FileRecord;
import io.caravan.processors.catalogue.Replica;
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

    public Replicator(Catalogue catalogue, Tracker tracker) {
        this.catalogue = catalogue;
        this.tracker = tracker;
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
            case CloudEvents.FILE_DELETED -> remove(target, id);
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
        FileRecord file = catalogue.find(id).orElse(null);
        if (file == null || !file.isStored()) {
            return; // deleted since: the delete event follows in the log
        }
        List<Replica> replicas = catalogue.replicas(id);
        boolean verifiedHere = replicas.stream().anyMatch(r -> r.node().equals(target.name()) && r.isVerified());
        if (verifiedHere && target.size(id) == file.size()) {
            return;
        }
        if (!tracker.state(target.name()).writable()) {
            throw new IOException("node " + target.name() + " is " + tracker.state(target.name()) + ", will retry");
        }
        List<StorageNode> sources = new ArrayList<>();
        for (Replica r : replicas) {
            if (r.isVerified() && !r.node().equals(target.name()) && tracker.state(r.node()).readable()) {
                tracker.nodes().node(r.node()).ifPresent(sources::add);
            }
        }
        IOException last = new IOException("no verified replica of " + id + " to copy from");
        for (StorageNode source : sources) {
            try (InputStream in = source.read(id, 0, file.size())) {
                target.write(id, new VerifyingInputStream(in, file.sha256(), file.size()));
                catalogue.recordReplica(id, target.name(), Replica.VERIFIED, partition, offset);
                LOG.debug("replicated {} from {} to {}", id, source.name(), target.name());
                if (catalogue.find(id).map(FileRecord::isStored).orElse(false)) {
                    return;
                }
                // deleted while we copied: do not leave a resurrected copy behind
                remove(target, id);
                return;
            } catch (IOException e) {
                last = e;
                LOG.warn("copy of {} from {} to {} failed: {}", id, source.name(), target.name(), e.getMessage());
            }
        }
        throw last;
    }

    private void remove(StorageNode target, String id) throws IOException {
        target.delete(id);
        catalogue.removeReplica(id, target.name());
    }
}
