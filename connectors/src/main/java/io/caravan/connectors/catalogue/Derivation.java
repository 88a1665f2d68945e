package io.caravan.connectors.catalogue;

/** What a derived file was made from: the source file's id and the kind of derived file (e.g. {@code poster}). */
public record Derivation(String sourceId, String kind) {
}
