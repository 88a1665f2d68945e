package io.caravan.processors.tracker;

/** What the tracker knows of a storage node. */
public enum NodeState {
    /** Answers probes; takes writes and serves reads. */
    ACTIVE,
    /** Copying its group's files before it turns ACTIVE. */
    SYNCING,
    /** Missed {@code caravan.tracker.offline-after} heartbeats in a row. */
    OFFLINE,
    /** Answers, but its free space is under the reserve: serves reads, takes no writes. */
    READONLY,
    /** Taken out by an operator. */
    DRAINED;

    public boolean readable() {
        return this == ACTIVE || this == READONLY;
    }

    public boolean writable() {
        return this == ACTIVE;
    }
}
