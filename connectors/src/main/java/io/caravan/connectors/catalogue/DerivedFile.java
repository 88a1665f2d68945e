package io.caravan.connectors.catalogue;

/** A stored file derived from another, with its kind. */
public record DerivedFile(String kind, FileRecord file) {
}
