package io.caravan.processors.tracker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.UnavailableException;

/**
 * Chooses the node an upload goes to (bean {@code placement}), like FastDFS's {@code store_lookup}:
 * first a group by the group policy (or the one the client asked for), then a node of it by the node
 * policy. Only writable (ACTIVE) nodes are chosen; a group with none is skipped.
 *
 * <ul>
 *   <li>group policy {@code round-robin}: groups in turn; {@code most-free}: the group whose fullest
 *   writable node has the most free space; {@code fixed}: always the fixed group.</li>
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
    private final Policy groupPolicy;
    private final Policy nodePolicy;
    private final String fixedGroup;
    private final AtomicInteger nextGroup = new AtomicInteger();
    private final AtomicInteger nextNode = new AtomicInteger();

    /**
     * @param groupPolicy {@code caravan.placement.group-policy}: round-robin, most-free or fixed
     * @param nodePolicy  {@code caravan.placement.node-policy}: round-robin or most-free
     * @param fixedGroup  {@code caravan.placement.fixed-group}: the group of the fixed policy (else ignored)
     * @throws IllegalArgumentException when the policies do not fit the configured groups
     */
    public Placement(Tracker tracker, Policy groupPolicy, Policy nodePolicy, String fixedGroup) {
        if (nodePolicy == Policy.FIXED) {
            throw new IllegalArgumentException("the node policy is round-robin or most-free");
        }
        if (groupPolicy == Policy.FIXED && !tracker.nodes().groups().contains(fixedGroup)) {
            throw new IllegalArgumentException("placement group policy fixed needs caravan.placement.fixed-group "
                    + "to name a configured group, not '" + fixedGroup + "'");
        }
        this.tracker = tracker;
        this.groupPolicy = groupPolicy;
        this.nodePolicy = nodePolicy;
        this.fixedGroup = fixedGroup;
    }

    /**
     * @param requestedGroup the group the client asked for, or {@code null}
     * @throws InvalidInputException for an unknown group
     * @throws UnavailableException when no node can take the file
     */
    public StorageNode choose(String requestedGroup) {
        return choose(requestedGroup, Set.of());
    }

    /**
     * Whether an upload to {@code requestedGroup} (or {@code null}: any) could be placed now, before its body is read:
     * the same refusals as {@link #choose(String)}, choosing nothing.
     */
    public void check(String requestedGroup) {
        choose(requestedGroup, Set.of());
    }

    /** As {@link #choose(String)}, never choosing a node named in {@code exclude} (nodes that just failed). */
    public StorageNode choose(String requestedGroup, Set<String> exclude) {
        List<String> groups = tracker.nodes().groups();
        if (requestedGroup != null && !requestedGroup.isBlank()) {
            if (!groups.contains(requestedGroup)) {
                throw new InvalidInputException("unknown group: " + requestedGroup);
            }
            return pick(requestedGroup, exclude).orElseThrow(
                    () -> new UnavailableException("no writable storage node in group " + requestedGroup));
        }
        for (String g : groupOrder(groups)) {
            var n = pick(g, exclude);
            if (n.isPresent()) {
                return n.get();
            }
        }
        throw new UnavailableException("no writable storage node in any group");
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
