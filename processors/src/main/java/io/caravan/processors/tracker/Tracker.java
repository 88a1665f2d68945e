package io.caravan.processors.tracker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.caravan.connectors.catalogue.NodeRow;
import io.caravan.connectors.catalogue.NodeStore;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.support.NotFoundException;
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
    private final NodeStore store;
    private final TrackerSettings settings;
    private final Function<String, Long> lag;
    private final Clock clock;
    private final NodeIdentities identities;
    private final Map<String, NodeStatus> status = new ConcurrentHashMap<>();
    private final Map<String, Long> runtimeReserve = new ConcurrentHashMap<>();
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "caravan-probe");
        t.setDaemon(true);
        return t;
    });
    /** One probe key per gateway: probes overwrite the same object, so they leave no trace in the fan-out. */
    private final String probeKey = StorageNode.PROBE_PREFIX + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE);

    /**
     * @param lag   events a node's replicator is behind ({@code null} when unknown): SYNCING nodes turn ACTIVE at 0
     * @param clock the time of heartbeats
     */
    public Tracker(StorageNodes nodes, NodeStore store, TrackerSettings settings, Function<String, Long> lag, Clock clock) {
        this(nodes, store, settings, lag, clock, null);
    }

    /**
     * @param identities checks every node's identity before it is probed ({@code null}: no checks); a node refused
     *                   is OFFLINE at once, with the reason
     */
    public Tracker(StorageNodes nodes, NodeStore store, TrackerSettings settings, Function<String, Long> lag, Clock clock,
                   NodeIdentities identities) {
        this.identities = identities;
        this.nodes = nodes;
        this.store = store;
        this.settings = settings;
        this.lag = lag;
        this.clock = clock;
        for (StorageNode n : nodes.all()) {
            status.put(n.name(), NodeStatus.unprobed(NodeState.ACTIVE, null));
        }
    }

    public StorageNodes nodes() {
        return nodes;
    }

    /** Probes every node once and records the result. */
    public void beat() {
        Map<String, String> shared = store.states();
        Set<String> refilling = identities == null ? Set.of() : store.refilling().keySet();
        Map<String, CompletableFuture<Long>> pending = new LinkedHashMap<>();
        for (StorageNode n : nodes.all()) {
            pending.put(n.name(), CompletableFuture.supplyAsync(() -> probe(n), probes));
        }
        for (StorageNode n : nodes.all()) {
            NodeStatus before = status.get(n.name());
            long free;
            String error = null;
            boolean refused = false;
            try {
                free = pending.get(n.name()).get(settings.probeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                free = -1;
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof UncheckedIOException io) {
                    cause = io.getCause();
                }
                refused = cause instanceof NodeIdentities.Refused;
                error = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            }
            NodeStatus after = next(n.name(), before, free, error, NodeState.DRAINED.name().equals(shared.get(n.name())),
                    refused, refilling.contains(n.name()));
            status.put(n.name(), after);
            if (after.state() != before.state()) {
                LOG.info("storage node {} is now {}{}", n.name(), after.state(), after.error() == null ? "" : " (" + after.error() + ")");
            }
            save(n, after);
        }
    }

    /**
     * The state machine: where a node goes from {@code before} after a probe that found {@code free} bytes or
     * failed with {@code error}, {@code drained} when an operator drained it (on any gateway).
     */
    NodeStatus next(String node, NodeStatus before, long free, String error, boolean drained) {
        return next(node, before, free, error, drained, false, false);
    }

    /**
     * As above, with {@code refused} when the node's identity is wrong or missing (OFFLINE at once, whatever the
     * misses) and {@code refilling} while a formatted node waits for its group's files (SYNCING until then).
     */
    NodeStatus next(String node, NodeStatus before, long free, String error, boolean drained, boolean refused, boolean refilling) {
        if (error != null) {
            int missed = refused ? Math.max(settings.offlineAfter(), before.missed() + 1) : before.missed() + 1;
            NodeState state = drained ? NodeState.DRAINED : missed >= settings.offlineAfter() ? NodeState.OFFLINE : before.state();
            return new NodeStatus(state, before.freeBytes(), before.lastBeat(), missed, error);
        }
        NodeState state;
        if (drained) {
            state = NodeState.DRAINED;
        } else if (refilling) {
            state = NodeState.SYNCING;
        } else if (before.state() == NodeState.OFFLINE || before.state() == NodeState.DRAINED
                || before.state() == NodeState.SYNCING) {
            Long behind = lag.apply(node);
            state = behind != null && behind == 0 ? NodeState.ACTIVE : NodeState.SYNCING;
        } else {
            state = NodeState.ACTIVE;
        }
        if (state == NodeState.ACTIVE && free < reserve(node)) {
            state = NodeState.READONLY;
        }
        return new NodeStatus(state, free, clock.instant(), 0, null);
    }

    private long reserve(String node) {
        Long own = runtimeReserve.getOrDefault(node, settings.nodeReserve().get(node));
        return own != null ? own : settings.reserveBytes();
    }

    /** Checks the node's identity, then writes, reads back and deletes a small object; returns the node's free space. */
    private long probe(StorageNode n) {
        String key = probeKey;
        try {
            if (identities != null) {
                identities.verify(n); // before anything is written: a disk that is not this node's stays untouched
            }
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
            throw new UncheckedIOException(e);
        }
    }

    private void save(StorageNode n, NodeStatus s) {
        try {
            store.save(new NodeRow(n.name(), n.group(), n.kind(), s.state().name(),
                    s.freeBytes() < 0 ? null : s.freeBytes(), s.lastBeat(), s.error()));
        } catch (RuntimeException e) {
            LOG.debug("could not record the state of {}: {}", n.name(), e.getMessage());
        }
    }

    /**
     * Adds a node at runtime: it starts SYNCING and turns ACTIVE once its replicator has caught up.
     *
     * @param reserveBytes the node's own free-space reserve, or {@code null} for the configured one
     */
    public void addNode(StorageNode node, Long reserveBytes) {
        nodes.add(node);
        if (reserveBytes != null) {
            runtimeReserve.put(node.name(), reserveBytes);
        }
        status.put(node.name(), NodeStatus.unprobed(NodeState.SYNCING, "new node, catching up"));
        save(node, status.get(node.name()));
    }

    /** Forgets a node at runtime. */
    public void removeNode(String name) {
        nodes.remove(name);
        status.remove(name);
        runtimeReserve.remove(name);
    }

    /** Takes a node out (operator): no reads, no uploads, on every gateway. */
    public NodeStatus drain(String node) {
        return setOperatorState(node, NodeState.DRAINED);
    }

    /** The nodes an operator formatted that wait to be refilled, with since when (none when identities are off). */
    public Map<String, java.time.Instant> refilling() {
        return identities == null ? Map.of() : store.refilling();
    }

    /** Node {@code node} holds everything its group had at {@code upTo}: it may turn ACTIVE. */
    public void refilled(String node, java.time.Instant upTo) {
        store.refilled(node, upTo);
    }

    /** The identity checks of the nodes, or {@code null} when off. */
    public NodeIdentities identities() {
        return identities;
    }

    /** Brings a drained node back: it catches up (SYNCING) before it turns ACTIVE. */
    public NodeStatus activate(String node) {
        return setOperatorState(node, NodeState.SYNCING);
    }

    private NodeStatus setOperatorState(String node, NodeState state) {
        StorageNode n = nodes.node(node).orElseThrow(() -> new NotFoundException("no such node: " + node));
        NodeStatus s = status.compute(node, (k, old) -> old.withState(state));
        save(n, s);
        LOG.info("storage node {} is now {} (operator)", node, state);
        return s;
    }

    public NodeStatus status(String node) {
        return status.getOrDefault(node, NodeStatus.unprobed(NodeState.OFFLINE, "unknown node"));
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
