package io.caravan.connectors.catalogue;

import java.time.Instant;

/** The tracker's view of a node as the {@code nodes} table keeps it; {@code freeBytes}, {@code lastBeat}, {@code error} may be null. */
public record NodeRow(String name, String group, String kind, String state, Long freeBytes, Instant lastBeat, String error) {
}
