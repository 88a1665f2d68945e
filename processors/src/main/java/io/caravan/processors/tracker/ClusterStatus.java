package io.caravan.processors.tracker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.Derivation;
import io.caravan.connectors.catalogue.DerivedFile;
import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.HlsStore;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.kafka.ReplicationLag;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.support.NotFoundException;

/** Read-only views of the cluster (bean {@code clusterStatus}): where a file's copies are, the cluster map, health. */
public class ClusterStatus {

    /**
     * A file with its metadata, for every node of its group the state of its copy there, what it was derived from
     * (null when it is not a derived file) and the files derived from it.
     */
    public record FileInfo(FileRecord file, Map<String, String> meta, List<CopyState> replicas, Derivation derivedFrom,
                           List<DerivedFile> derived, HlsStore.HlsState hls) {
    }

    /**
     * One node's copy of a file: {@code VERIFIED}, {@code BAD} or {@code PENDING} (none yet), the node's state,
     * how many events the node is behind ({@code null} when unknown) and the event position that made the copy.
     */
    public record CopyState(String node, String state, NodeState nodeState, Long lag, Integer partition, Long offset) {
    }

    /** The cluster map: every group and the events the outbox has not published yet. */
    public record ClusterView(List<GroupView> groups, long unpublishedEvents) {
    }

    /** A group: {@code HEALTHY}, {@code DEGRADED} (a node not ACTIVE or behind) or {@code UNAVAILABLE} (no writable node). */
    public record GroupView(String name, String health, List<NodeView> nodes) {
    }

    /** A node of the map; {@code freeBytes}, {@code lastHeartbeat}, {@code lag} and {@code error} may be null. */
    public record NodeView(String name, String kind, NodeState state, Long freeBytes, Instant lastHeartbeat, long files,
                           Long lag, String error) {
    }

    /** Whether the database, the broker and every route answer. */
    public record Health(boolean database, boolean kafka, boolean routes) {
        public boolean up() {
            return database && kafka && routes;
        }
    }

    private final Catalogue catalogue;
    private final Tracker tracker;
    private final ReplicationLag lag;

    public ClusterStatus(Catalogue catalogue, Tracker tracker, ReplicationLag lag) {
        this.catalogue = catalogue;
        this.tracker = tracker;
        this.lag = lag;
    }

    /** The stored file {@code id}, its metadata, its copies on the nodes of its group, its source and derived files. */
    public FileInfo info(String id) {
        FileRecord file = catalogue.files().findStored(id).orElseThrow(() -> NotFoundException.file(id));
        Map<String, Replica> byNode = new LinkedHashMap<>();
        catalogue.replicas().of(file.blob()).forEach(r -> byNode.put(r.node(), r));
        List<String> nodes = tracker.nodes().group(file.group()).stream().map(StorageNode::name).toList();
        Map<String, Long> behind = lag.lag(nodes);
        List<CopyState> copies = new ArrayList<>();
        for (String node : nodes) {
            Replica r = byNode.get(node);
            boolean positioned = r != null && r.offset() != null;
            copies.add(new CopyState(node, r == null ? "PENDING" : r.state(), tracker.state(node), behind.get(node),
                    positioned ? r.partition() : null, positioned ? r.offset() : null));
        }
        return new FileInfo(file, catalogue.meta().of(id), copies, catalogue.derived().sourceOf(id).orElse(null),
                catalogue.derived().of(id), catalogue.hls().get(id).orElse(null));
    }

    /** Groups with their health, nodes with state, free space, files and lag. */
    public ClusterView cluster() {
        List<String> all = tracker.nodes().all().stream().map(StorageNode::name).toList();
        Map<String, Long> behind = lag.lag(all);
        List<GroupView> groups = new ArrayList<>();
        for (String g : tracker.nodes().groups()) {
            List<NodeView> nodes = new ArrayList<>();
            int writable = 0;
            boolean degraded = false;
            for (StorageNode n : tracker.nodes().group(g)) {
                NodeStatus s = tracker.status(n.name());
                Long nodeLag = behind.get(n.name());
                nodes.add(new NodeView(n.name(), n.kind(), s.state(),
                        s.freeBytes() == Long.MAX_VALUE || s.freeBytes() < 0 ? null : s.freeBytes(), s.lastBeat(),
                        catalogue.replicas().verifiedOn(n.name()), nodeLag, s.error()));
                writable += s.state().writable() ? 1 : 0;
                degraded |= s.state() != NodeState.ACTIVE || nodeLag == null || nodeLag > 0;
            }
            groups.add(new GroupView(g, writable == 0 ? "UNAVAILABLE" : degraded ? "DEGRADED" : "HEALTHY", nodes));
        }
        return new ClusterView(groups, catalogue.outbox().unsent());
    }

    /** The health of the database and the broker, with {@code routesStarted} as the edge saw it. */
    public Health health(boolean routesStarted) {
        return new Health(catalogue.isReachable(), lag.brokerReachable(), routesStarted);
    }
}
