package io.caravan.connectors.catalogue;

/**
 * A node's verified copy of {@code blob} to record: the Kafka position of the event it was made from (both
 * null when not made from an event), the copy's modification time on the node, and the event to emit (or null).
 */
public record VerifiedCopy(String blob, Integer partition, Long offset, long mtime, OutboxEvent event) {
}
