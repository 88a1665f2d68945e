package io.caravan.connectors.catalogue;

import java.util.List;

/** The SHA-256 (hex) of each consecutive {@code segmentSize} bytes of a file; the last segment may be shorter. */
public record SegmentHashes(long segmentSize, List<String> sha256) {

    public SegmentHashes {
        sha256 = List.copyOf(sha256);
    }
}
