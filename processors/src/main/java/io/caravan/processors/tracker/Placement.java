package io.caravan.processors.tracker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.http.CaravanException;

/**
 * Chooses the node an upload goes to (bean {@code placement}), like FastDFS's {@code store_lookup}:
 * first a group by the group policy (or the one the client asked for), then a node of it by the node
 * policy. Only writable (ACTIVE) nodes are chosen; a group with none is skipped.
 *
 * <ul>
 *   <li>group policy {@code round-robin}: groups in turn; {@code most-free}: the group whose fullest
 *   writable node has the most free space; {@code fixed}: always {@link #setFixedGroup the fixed group}.</li>
 *   <li>node policy {@code round-robin}: nodes in turn; {@code most-free}: the node with the most free space.</li>
 * </ul>
 */
public class Placement {

    /** How a group, or a node within a group, is chosen. */
    public enum Policy {
        ROUND_ROBIN, MOST_FREE, FIXED;

        /** Parses {@code round-robin}, {@code most-free} or {@code fixed}. */
        public static Policy of(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown placement policy '" + value + "' (round-robin, most-free, fixed)");
            }
        }
    }

    private final Tracker tracker;
    private final AtomicInteger nextGroup = new AtomicInteger();
    private final AtomicInteger nextNode = new AtomicInteger();
    private Policy groupPolicy = Policy.ROUND_ROBIN;
    private Policy nodePolicy = Policy.ROUND_ROBIN;
    private String fixedGroup;

    public Placement(Tracker tracker) {
        this.tracker = tracker;
    }

    /** {@code round-robin} (default), {@code most-free} or {@code fixed}. */
    public void setGroupPolicy(Policy groupPolicy) {
        this.groupPolicy = groupPolicy;
    }

    /** {@code round-robin} (default) or {@code most-free}. */
    public void setNodePolicy(Policy nodePolicy) {
        if (nodePolicy == Policy.FIXED) {
            throw new IllegalArgumentException("the node policy is round-robin or most-free");
        }
        this.nodePolicy = nodePolicy;
    }

    /** The group every upload goes to under the {@code fixed} group policy. */
    public void setFixedGroup(String fixedGroup) {
        this.fixedGroup = fixedGroup;
    }

    /** Checks the settings against the configured groups. */
    public void validate() {
        if (groupPolicy == Policy.FIXED && !tracker.nodes().groups().contains(fixedGroup)) {
            throw new IllegalArgumentException("placement group policy fixed needs caravan.placement.fixed-group "
                    + "to name a configured group, not '" + fixedGroup + "'");
        }
    }

    /**
     * @param requestedGroup the group the client asked for, or {@code null}
     * @throws CaravanException 400 for an unknown group, 503 when no node can take the file
     */
    public StorageNode choose(String requestedGroup) {
        return choose(requestedGroup, Set.of());
    }

    /** As {@link #choose(String)}, never choosing a node named in {@code exclude} (nodes that just failed). */
    public StorageNode choose(String requestedGroup, Set<String> exclude) {
        List<String> groups = tracker.nodes().groups();
        if (requestedGroup != null && !requestedGroup.isBlank()) {
            if (!groups.contains(requestedGroup)) {
                throw CaravanException.badRequest("unknown group: " + requestedGroup);
            }
            return pick(requestedGroup, exclude).orElseThrow(
                    () -> new CaravanException(503, "no writable storage node in group " + requestedGroup));
        }
        for (String g : groupOrder(groups)) {
            var n = pick(g, exclude);
            if (n.isPresent()) {
                return n.get();
            }
        }
        throw new CaravanException(503, "no writable storage node in any group");
    }

    private List<String> groupOrder(List<String> groups) {
        switch (groupPolicy) {
            case FIXED:
                return List.of(fixedGroup);
            case MOST_FREE: {
                List<String> sorted = new ArrayList<>(groups);
                sorted.sort(Comparator.comparingLong(this::groupFree).reversed());
                return sorted;
            }
            default: {
                int start = Math.floorMod(nextGroup.getAndIncrement(), groups.size());
                List<String> order = new ArrayList<>(groups.size());
                for (int i = 0; i < groups.size(); i++) {
                    order.add(groups.get((start + i) % groups.size()));
                }
                return order;
            }
        }
    }

    /** A group can take as much as its fullest writable node. */
    private long groupFree(String group) {
        return tracker.writable(group).stream().mapToLong(n -> tracker.status(n.name()).freeBytes()).min().orElse(-1);
    }

    private java.util.Optional<StorageNode> pick(String group, Set<String> exclude) {
        List<StorageNode> candidates = tracker.writable(group).stream().filter(n -> !exclude.contains(n.name())).toList();
        if (candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (nodePolicy == Policy.MOST_FREE) {
            return candidates.stream().max(Comparator.comparingLong(n -> tracker.status(n.name()).freeBytes()));
        }
        return java.util.Optional.of(candidates.get(Math.floorMod(nextNode.getAndIncrement(), candidates.size())));
    }
}
