package io.caravan.processors.tracker;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.http.CaravanException;

/**
 * Chooses the node an upload goes to (bean {@code placement}): groups round-robin (or the one the
 * client asked for), then nodes round-robin within the group. Only writable nodes are chosen;
 * a group with none is skipped.
 */
public class Placement {

    private final Tracker tracker;
    private final AtomicInteger nextGroup = new AtomicInteger();
    private final AtomicInteger nextNode = new AtomicInteger();

    public Placement(Tracker tracker) {
        this.tracker = tracker;
    }

    /**
     * @param requestedGroup the group the client asked for, or {@code null}
     * @throws CaravanException 400 for an unknown group, 503 when no node can take the file
     */
    public StorageNode choose(String requestedGroup) {
        List<String> groups = tracker.nodes().groups();
        if (requestedGroup != null && !requestedGroup.isBlank()) {
            if (!groups.contains(requestedGroup)) {
                throw CaravanException.badRequest("unknown group: " + requestedGroup);
            }
            StorageNode n = pick(requestedGroup);
            if (n == null) {
                throw new CaravanException(503, "no writable storage node in group " + requestedGroup);
            }
            return n;
        }
        int start = Math.floorMod(nextGroup.getAndIncrement(), groups.size());
        for (int i = 0; i < groups.size(); i++) {
            StorageNode n = pick(groups.get((start + i) % groups.size()));
            if (n != null) {
                return n;
            }
        }
        throw new CaravanException(503, "no writable storage node in any group");
    }

    private StorageNode pick(String group) {
        List<StorageNode> candidates = tracker.writable(group);
        if (candidates.isEmpty()) {
            return null;
        }
        return candidates.get(Math.floorMod(nextNode.getAndIncrement(), candidates.size()));
    }
}
