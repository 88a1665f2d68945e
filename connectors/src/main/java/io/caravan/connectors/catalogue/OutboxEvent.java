package io.caravan.connectors.catalogue;

/** An event waiting in (or taken from) the outbox; {@code payload} is the CloudEvents JSON envelope. */
public record OutboxEvent(long seq, String eventId, String fileId, String type, String payload) {

    /** An event not yet in the outbox. */
    public static OutboxEvent of(String eventId, String fileId, String type, String payload) {
        return new OutboxEvent(0, eventId, fileId, type, payload);
    }
}
