package io.caravan.processors.tracker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.catalogue.Catalogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every storage node (bean {@code tracker}): each heartbeat writes, reads back and deletes a
 * small probe object on every node, records free space and moves nodes between states.
 */
public class Tracker {

    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageNodes nodes;
    private final Catalogue catalogue;
    private final Map<String, Status> status = new ConcurrentHashMap<>();
    private int offlineAfter = 3;
    private long reserveBytes = 0;

    /** A node's last known condition. */
    public record Status(NodeState state, long freeBytes, Instant lastBeat, int missed, String error) {
    }

    public Tracker(StorageNodes nodes, Catalogue catalogue) {
        this.nodes = nodes;
        this.catalogue = catalogue;
        for (StorageNode n : nodes.all()) {
            status.put(n.name(), new Status(NodeState.SYNCING, -1, null, 0, "no heartbeat yet"));
        }
    }

    /** Missed heartbeats before a node is OFFLINE (default 3). */
    public void setOfflineAfter(int offlineAfter) {
        this.offlineAfter = Math.max(1, offlineAfter);
    }

    /** Free bytes under which a node turns READONLY (default 0). */
    public void setReserveBytes(long reserveBytes) {
        this.reserveBytes = reserveBytes;
    }

    public StorageNodes nodes() {
        return nodes;
    }

    /** Probes every node once and records the result. */
    public void beat() {
        for (StorageNode n : nodes.all()) {
            Status before = status.get(n.name());
            Status after;
            try {
                if (before.state() != NodeState.ACTIVE && before.state() != NodeState.READONLY) {
                    n.prepare();
                }
                probe(n);
                long free = n.freeSpace();
                NodeState state = free < reserveBytes ? NodeState.READONLY : NodeState.ACTIVE;
                if (before.state() == NodeState.DRAINED) {
                    state = NodeState.DRAINED;
                }
                after = new Status(state, free, Instant.now(), 0, null);
            } catch (IOException | RuntimeException e) {
                int missed = before.missed() + 1;
                NodeState state = missed >= offlineAfter || before.state() == NodeState.SYNCING
                        ? NodeState.OFFLINE : before.state();
                after = new Status(state, before.freeBytes(), before.lastBeat(), missed, e.getMessage());
            }
            status.put(n.name(), after);
            if (after.state() != before.state()) {
                LOG.info("storage node {} is now {}{}", n.name(), after.state(),
                        after.error() == null ? "" : " (" + after.error() + ")");
            }
            try {
                catalogue.saveNode(n.name(), n.group(), n.kind(), after.state().name(),
                        after.freeBytes() < 0 ? null : after.freeBytes(), after.lastBeat(), after.error());
            } catch (RuntimeException e) {
                LOG.debug("could not record the state of {}: {}", n.name(), e.getMessage());
            }
        }
    }

    private static void probe(StorageNode n) throws IOException {
        byte[] data = new byte[32];
        RANDOM.nextBytes(data);
        String key = StorageNode.PROBE_PREFIX + Long.toHexString(RANDOM.nextLong());
        try {
            n.write(key, new ByteArrayInputStream(data));
            byte[] back;
            try (InputStream in = n.read(key, 0, data.length)) {
                back = in.readAllBytes();
            }
            if (!Arrays.equals(data, back)) {
                throw new IOException("probe object read back differently");
            }
        } finally {
            n.delete(key);
        }
    }

    public Status status(String node) {
        return status.getOrDefault(node, new Status(NodeState.OFFLINE, -1, null, 0, "unknown node"));
    }

    public NodeState state(String node) {
        return status(node).state();
    }

    /** The writable nodes of {@code group}, in configuration order. */
    public List<StorageNode> writable(String group) {
        return nodes.group(group).stream().filter(n -> state(n.name()).writable()).toList();
    }

    /** Every node's status, in configuration order. */
    public Map<String, Status> snapshot() {
        Map<String, Status> m = new LinkedHashMap<>();
        nodes.all().forEach(n -> m.put(n.name(), status(n.name())));
        return m;
    }
}
