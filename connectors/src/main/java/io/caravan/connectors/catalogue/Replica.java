package io.caravan.connectors.catalogue;

/**
 * One node's copy of a blob (the bytes of one or more files, see {@link FileRecord#blob()}). {@code state}
 * is {@code VERIFIED} once its SHA-256 matched the catalogue, {@code BAD} when a check found it corrupt
 * (never served, repaired by the scrub). {@code verifiedMtime} is the node's modification time of the
 * copy when it was last checked.
 */
public record Replica(String blob, String node, String state, Integer partition, Long offset, Long verifiedMtime) {

    public static final String VERIFIED = "VERIFIED";
    public static final String BAD = "BAD";

    public boolean isVerified() {
        return VERIFIED.equals(state);
    }
}
