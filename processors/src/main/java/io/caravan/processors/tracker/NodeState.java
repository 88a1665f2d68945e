package io.caravan.processors.tracker;

/** What the tracker knows of a storage node. */
public enum NodeState {
    /** Answers probes and is caught up: takes writes and serves reads. */
    ACTIVE,
    /** Back (or new) and catching up on its group's files: replication only, until its lag is zero. */
    SYNCING,
    /** Missed {@code caravan.tracker.offline-after} heartbeats in a row. */
    OFFLINE,
    /** Answers, but its free space is under the reserve: serves reads, takes no new uploads. */
    READONLY,
    /** Taken out by an operator: no reads, no uploads; it catches up (SYNCING) when activated again. */
    DRAINED;

    public boolean readable() {
        return this == ACTIVE || this == READONLY;
    }

    public boolean writable() {
        return this == ACTIVE;
    }

    /** Whether replicators and the scrub may copy <em>from</em> the node: any node that answers. */
    public boolean copySource() {
        return this != OFFLINE;
    }

    /** Whether replicators copy to the node. */
    public boolean replicable() {
        return this == ACTIVE || this == SYNCING || this == READONLY;
    }
}
