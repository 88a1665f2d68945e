package io.caravan.processors.tracker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.http.CaravanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every storage node (bean {@code tracker}). Each heartbeat probes all nodes in parallel with a
 * real write, read-back and delete of a small object, records free space, and moves nodes between
 * states: a node that misses {@code offlineAfter} beats is OFFLINE; one that answers again is SYNCING
 * until its replicator has caught up (lag 0), then ACTIVE; one under the free-space reserve is READONLY;
 * DRAINED is set and cleared by an operator and shared with the other gateways through the database.
 */
public class Tracker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Tracker.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final StorageNodes nodes;
    private final Catalogue catalogue;
    private final Map<String, Status> status = new ConcurrentHashMap<>();
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "caravan-probe");
        t.setDaemon(true);
        return t;
    });
    private int offlineAfter = 3;
    private long reserveBytes = 0;
    private final Map<String, Long> nodeReserve = new ConcurrentHashMap<>();
    private Duration probeTimeout = Duration.ofSeconds(2);
    private Function<String, Long> lag = node -> 0L;
    /** One probe key per gateway: probes overwrite the same object, so they leave no trace in the fan-out. */
    private final String probeKey = StorageNode.PROBE_PREFIX + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);

    /** A node's last known condition. */
    public record Status(NodeState state, long freeBytes, Instant lastBeat, int missed, String error) {
    }

    public Tracker(StorageNodes nodes, Catalogue catalogue) {
        this.nodes = nodes;
        this.catalogue = catalogue;
        for (StorageNode n : nodes.all()) {
            status.put(n.name(), new Status(NodeState.ACTIVE, -1, null, 0, null));
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

    /** A node's own reserve, overriding {@link #setReserveBytes} for it. */
    public void setReserveBytes(String node, long reserveBytes) {
        nodeReserve.put(node, reserveBytes);
    }

    /** How long one probe may take before it counts as missed (default 2 s; keep it under the interval). */
    public void setProbeTimeout(Duration probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    /** Where SYNCING nodes' replication lag comes from (events behind, {@code null} when unknown). */
    public void setLag(Function<String, Long> lag) {
        this.lag = lag;
    }

    public StorageNodes nodes() {
        return nodes;
    }

    /** Probes every node once and records the result. */
    public void beat() {
        Map<String, String> shared = catalogue.nodeStates();
        Map<String, CompletableFuture<Long>> pending = new LinkedHashMap<>();
        for (StorageNode n : nodes.all()) {
            pending.put(n.name(), CompletableFuture.supplyAsync(() -> probe(n, probeKey), probes));
        }
        for (StorageNode n : nodes.all()) {
            Status before = status.get(n.name());
            long free;
            String error = null;
            try {
                free = pending.get(n.name()).get(probeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                free = -1;
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                error = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            }
            Status after = next(n, before, free, error, NodeState.DRAINED.name().equals(shared.get(n.name())));
            status.put(n.name(), after);
            if (after.state() != before.state()) {
                LOG.info("storage node {} is now {}{}", n.name(), after.state(), after.error() == null ? "" : " (" + after.error() + ")");
            }
            save(n, after);
        }
    }

    private Status next(StorageNode n, Status before, long free, String error, boolean drained) {
        if (error != null) {
            int missed = before.missed() + 1;
            NodeState state = drained ? NodeState.DRAINED : missed >= offlineAfter ? NodeState.OFFLINE : before.state();
            return new Status(state, before.freeBytes(), before.lastBeat(), missed, error);
        }
        NodeState state;
        if (drained) {
            state = NodeState.DRAINED;
        } else if (before.state() == NodeState.OFFLINE || before.state() == NodeState.DRAINED
                || before.state() == NodeState.SYNCING) {
            Long behind = lag.apply(n.name());
            state = behind != null && behind == 0 ? NodeState.ACTIVE : NodeState.SYNCING;
        } else {
            state = NodeState.ACTIVE;
        }
        if (state == NodeState.ACTIVE && free < nodeReserve.getOrDefault(n.name(), reserveBytes)) {
            state = NodeState.READONLY;
        }
        return new Status(state, free, Instant.now(), 0, null);
    }

    /** Write, read back, delete a small object; returns the node's free space. */
    private static long probe(StorageNode n, String key) {
        try {
            n.prepare();
            byte[] data = new byte[32];
            RANDOM.nextBytes(data);
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
            return n.freeSpace();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void save(StorageNode n, Status s) {
        try {
            catalogue.saveNode(n.name(), n.group(), n.kind(), s.state().name(),
                    s.freeBytes() < 0 ? null : s.freeBytes(), s.lastBeat(), s.error());
        } catch (RuntimeException e) {
            LOG.debug("could not record the state of {}: {}", n.name(), e.getMessage());
        }
    }

    /** Adds a node at runtime: it starts SYNCING and turns ACTIVE once its replicator has caught up. */
    public void addNode(StorageNode node) {
        nodes.add(node);
        status.put(node.name(), new Status(NodeState.SYNCING, -1, null, 0, "new node, catching up"));
        save(node, status.get(node.name()));
    }

    /** Forgets a node at runtime. */
    public void removeNode(String name) {
        nodes.remove(name);
        status.remove(name);
        nodeReserve.remove(name);
    }

    /** Takes a node out (operator): no reads, no uploads, on every gateway. */
    public Status drain(String node) {
        return setOperatorState(node, NodeState.DRAINED);
    }

    /** Brings a drained node back: it catches up (SYNCING) before it turns ACTIVE. */
    public Status activate(String node) {
        return setOperatorState(node, NodeState.SYNCING);
    }

    private Status setOperatorState(String node, NodeState state) {
        StorageNode n = nodes.node(node).orElseThrow(() -> CaravanException.notFound("no such node: " + node));
        Status s = status.compute(node, (k, old) -> new Status(state, old.freeBytes(), old.lastBeat(), old.missed(), old.error()));
        save(n, s);
        LOG.info("storage node {} is now {} (operator)", node, state);
        return s;
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

    @Override
    public void close() {
        probes.shutdownNow();
    }
}
