package io.caravan.processors.tracker;

import java.time.Instant;

/**
 * What the tracker last knew of a node: its state, free bytes ({@code -1} unknown), when it last answered a
 * probe, how many probes in a row it missed since, and the last probe's error.
 */
public record NodeStatus(NodeState state, long freeBytes, Instant lastBeat, int missed, String error) {

    /** The status of a node no probe has reached yet. */
    static NodeStatus unprobed(NodeState state, String error) {
        return new NodeStatus(state, -1, null, 0, error);
    }

    NodeStatus withState(NodeState newState) {
        return new NodeStatus(newState, freeBytes, lastBeat, missed, error);
    }
}
