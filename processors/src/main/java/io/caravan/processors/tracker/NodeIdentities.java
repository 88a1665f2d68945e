package io.caravan.processors.tracker;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.ToLongFunction;

import io.caravan.connectors.catalogue.NodeStore;
import io.caravan.connectors.storage.StorageNode;

/**
 * Whether a node's directory or bucket is the one Caravan formatted for it, checked at every heartbeat before
 * anything is written (MinIO keeps a {@code format.json} per drive for this): its identity ({@link NodeIdentity},
 * {@link StorageNode#IDENTITY_KEY}) must name this cluster and this node.
 *
 * <ul>
 * <li>no identity on a node Caravan formatted before (a disk unmounted, leaving its empty mount point; a directory
 * removed or replaced), or on an empty node the catalogue says holds copies: refused until an operator formats it;</li>
 * <li>the identity of another node or cluster (a disk mounted in the wrong place): refused, never formatted by itself;</li>
 * <li>no identity on a brand-new node (empty, no copies), or on one used before identities existed (it holds
 * objects, Caravan never formatted it): formatted now.</li>
 * </ul>
 */
public class NodeIdentities {

    /** A node that is not, or no longer, what the catalogue knows as that node: nothing may be written to it. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private final String cluster;
    private final NodeStore store;
    private final ToLongFunction<String> copiesOn;
    private final Clock clock;

    /**
     * @param cluster  the cluster's id ({@link NodeStore#clusterId})
     * @param copiesOn how many verified copies the catalogue knows on a node
     */
    public NodeIdentities(String cluster, NodeStore store, ToLongFunction<String> copiesOn, Clock clock) {
        this.cluster = cluster;
        this.store = store;
        this.copiesOn = copiesOn;
        this.clock = clock;
    }

    /** Checks {@code node} before it is probed: returns when it may be used (formatting a new one), else {@link Refused}. */
    public void verify(StorageNode node) throws IOException {
        Optional<String> text = node.readIdentity();
        String format = "POST /admin/nodes/" + node.name() + "/format";
        if (text.isPresent()) {
            NodeIdentity id = NodeIdentity.parse(text.get()).orElseThrow(
                    () -> new Refused("its identity (" + StorageNode.IDENTITY_KEY + ") is unreadable; an operator may format it: " + format + "?force=true"));
            if (!id.cluster().equals(cluster)) {
                throw new Refused("it holds node " + id.node() + " of another cluster (" + id.cluster() + "): a disk in the wrong place? "
                        + "Never formatted by itself; an operator may: " + format + "?force=true");
            }
            if (!id.node().equals(node.name())) {
                throw new Refused("it holds node " + id.node() + " of this cluster: a disk in the wrong place? "
                        + "Never formatted by itself; an operator may: " + format + "?force=true");
            }
            return;
        }
        Optional<Instant> formatted = store.formatted(node.name());
        if (formatted.isPresent()) {
            throw new Refused("its identity is missing (formatted " + formatted.get() + "): unmounted, removed or replaced? "
                    + "Nothing is written to it until an operator formats it: " + format);
        }
        boolean empty = node.isEmpty();
        long copies = copiesOn.applyAsLong(node.name());
        if (empty && copies > 0) {
            throw new Refused("it is empty and has no identity, but the catalogue knows " + copies + " copies on it: unmounted? "
                    + "Nothing is written to it until an operator formats it: " + format);
        }
        write(node, false);
    }

    /**
     * Formats {@code node} for an operator: writes its identity over whatever is there ({@code force} is needed over
     * another node's or cluster's), forgets the copies the catalogue knew on it and marks it to be refilled.
     */
    public NodeIdentity format(StorageNode node, boolean force) throws IOException {
        Optional<NodeIdentity> existing;
        try {
            existing = node.readIdentity().map(t -> NodeIdentity.parse(t).orElse(new NodeIdentity("?", "?", "?", Instant.EPOCH)));
        } catch (IOException e) {
            existing = Optional.empty(); // unreadable: writing the identity will tell
        }
        if (existing.isPresent() && !force && !(existing.get().cluster().equals(cluster) && existing.get().node().equals(node.name()))) {
            throw new io.caravan.processors.support.ConflictException(node.name() + " holds node " + existing.get().node()
                    + " of cluster " + existing.get().cluster() + ": add ?force=true to format it as " + node.name());
        }
        return write(node, true);
    }

    private NodeIdentity write(StorageNode node, boolean refill) throws IOException {
        NodeIdentity id = new NodeIdentity(cluster, node.name(), node.group(), clock.instant());
        node.writeIdentity(id.json());
        store.markFormatted(node.name(), node.group(), node.kind(), id.created(), refill);
        return id;
    }
}
