package io.caravan.connectors.catalogue;

import java.time.Instant;

/**
 * A catalogue search: text in the name or metadata, content type prefix, group (each null for any), and
 * the position after which the page starts (the creation time and id of the last file of the previous page);
 * derived files (posters, renditions, HLS) and live segments only with {@code derived}.
 */
public record FileQuery(String text, String type, String group, Instant beforeCreated, String beforeId, int limit,
                        boolean derived) {

    /** A search of originals only. */
    public FileQuery(String text, String type, String group, Instant beforeCreated, String beforeId, int limit) {
        this(text, type, group, beforeCreated, beforeId, limit, false);
    }
}
