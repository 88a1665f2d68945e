package io.caravan.connectors.storage;

/** What a node says about one object: its key, size in bytes, and last modification (epoch millis). */
public record StoredObject(String key, long size, long lastModified) {
}
