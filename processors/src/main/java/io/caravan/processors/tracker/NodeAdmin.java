package io.caravan.processors.tracker;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.connectors.catalogue.NodeStore;
import io.caravan.connectors.catalogue.ReplicaStore;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.support.ConflictException;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.UnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operator actions on nodes (bean {@code nodeAdmin}): add and remove nodes at runtime, drain and activate
 * them. Nodes added at runtime are kept in the database, so every gateway (see {@link #sync}) and every
 * restart sees them; nodes declared in configuration are changed there.
 */
public class NodeAdmin {

    /** Starts and stops the per-node replicator routes. */
    public interface Replicators {
        void start(String node);

        void stop(String node);
    }

    /** A node as the admin API answers it. */
    public record NodeView(String name, String group, String kind, NodeState state) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(NodeAdmin.class);

    private final Tracker tracker;
    private final NodeStore nodes;
    private final ReplicaStore replicas;
    private final Path dataDir;
    private final Replicators replicators;
    private final Set<String> runtimeNodes = ConcurrentHashMap.newKeySet();

    /** @param dataDir where a disk node added without a path keeps its files ({@code <data dir>/nodes/<name>}) */
    public NodeAdmin(Tracker tracker, NodeStore nodes, ReplicaStore replicas, Path dataDir, Replicators replicators) {
        this.tracker = tracker;
        this.nodes = nodes;
        this.replicas = replicas;
        this.dataDir = dataDir;
        this.replicators = replicators;
    }

    /**
     * Adds node {@code name} with {@code settings} (the keys of {@link StorageNodes#SETTINGS}: {@code group},
     * {@code kind}, {@code path} or {@code endpoint}, {@code bucket}, {@code access-key}, {@code secret-key},
     * {@code reserve-bytes}). The node must answer; it joins SYNCING, copies its group's files, then turns ACTIVE.
     */
    public synchronized NodeView add(String name, Map<String, String> settings) {
        Properties p = new Properties();
        settings.forEach((k, v) -> {
            if (v != null) {
                p.setProperty(k, v);
            }
        });
        if (tracker.nodes().node(name).isPresent()) {
            throw new ConflictException("a node named " + name + " exists");
        }
        StorageNode node;
        try {
            node = StorageNodes.create(name, p::getProperty, dataDir);
            reserve(p);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        try {
            node.prepare();
            node.freeSpace();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw new InvalidInputException("node " + name + " does not answer: " + e.getMessage());
        }
        nodes.saveConfig(name, text(p));
        join(node, p);
        LOG.info("storage node {} added to group {} ({})", name, node.group(), node.kind());
        return view(name);
    }

    /** Forgets a runtime-added node; a conflict while it holds a file's only copy or when it is declared in configuration. */
    public synchronized void remove(String name) {
        tracker.nodes().node(name).orElseThrow(() -> new NotFoundException("no such node: " + name));
        if (!runtimeNodes.contains(name)) {
            throw new ConflictException("node " + name + " is declared in configuration: remove it there");
        }
        long only = replicas.onlyCopiesOn(name);
        if (only > 0) {
            throw new ConflictException("node " + name + " holds the only copy of " + only + " files");
        }
        // the database first: a heartbeat's sync() must not find the definition and bring the node back
        nodes.forget(name);
        leave(name);
        LOG.info("storage node {} removed", name);
    }

    /** Takes a node out: no reads, no uploads, on every gateway. */
    public NodeView drain(String name) {
        tracker.drain(name);
        return view(name);
    }

    /** Brings a drained node back: it catches up (SYNCING), then turns ACTIVE. */
    public NodeView activate(String name) {
        tracker.activate(name);
        return view(name);
    }

    /**
     * Formats node {@code name} (an operator, after a disk was replaced or found empty): writes its identity
     * ({@code force}: over another node's or cluster's), forgets the copies it held and makes it SYNCING; it turns
     * ACTIVE once a scrub has copied its group's files onto it ({@code node-refill}).
     */
    public synchronized NodeView format(String name, boolean force) {
        StorageNode node = tracker.nodes().node(name).orElseThrow(() -> new NotFoundException("no such node: " + name));
        NodeIdentities identities = tracker.identities();
        if (identities == null) {
            throw new ConflictException("node identities are off");
        }
        try {
            identities.format(node, force);
        } catch (IOException e) {
            throw new UnavailableException("node " + name + " could not be formatted: " + e.getMessage());
        }
        tracker.activate(name);
        LOG.info("storage node {} formatted by an operator: SYNCING until refilled", name);
        return view(name);
    }

    /** Adds the nodes another gateway added and forgets the ones it removed (at start and on every heartbeat). */
    public synchronized void sync() {
        Map<String, String> stored = nodes.configs();
        for (String name : Set.copyOf(runtimeNodes)) {
            if (!stored.containsKey(name)) {
                leave(name);
                LOG.info("storage node {} removed by another gateway", name);
            }
        }
        stored.forEach((name, text) -> {
            if (!runtimeNodes.contains(name) && tracker.nodes().node(name).isEmpty()) {
                try {
                    Properties p = properties(text);
                    join(StorageNodes.create(name, p::getProperty, dataDir), p);
                    LOG.info("storage node {} added by another gateway", name);
                } catch (IllegalArgumentException e) {
                    LOG.warn("ignoring stored node {}: {}", name, e.getMessage());
                }
            }
        });
    }

    private void join(StorageNode node, Properties settings) {
        runtimeNodes.add(node.name());
        tracker.addNode(node, reserve(settings));
        replicators.start(node.name());
    }

    private void leave(String name) {
        replicators.stop(name);
        tracker.removeNode(name);
        runtimeNodes.remove(name);
    }

    private NodeView view(String name) {
        StorageNode n = tracker.nodes().node(name).orElse(null);
        return new NodeView(name, n == null ? null : n.group(), n == null ? null : n.kind(), tracker.state(name));
    }

    /** The node's own reserve, or null; a bad number is an {@link IllegalArgumentException}. */
    private static Long reserve(Properties settings) {
        String reserve = settings.getProperty("reserve-bytes");
        if (reserve == null || reserve.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(reserve.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("reserve-bytes must be a number of bytes, not '" + reserve + "'");
        }
    }

    private static String text(Properties p) {
        StringWriter w = new StringWriter();
        try {
            p.store(w, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    private static Properties properties(String text) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        return p;
    }
}
