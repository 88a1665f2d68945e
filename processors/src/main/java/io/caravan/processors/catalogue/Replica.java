package io.caravan.processors.catalogue;

/** One node's copy of a file. {@code state} is {@code VERIFIED} once its SHA-256 matched the catalogue. */
public record Replica(String fileId, String node, String state, Integer partition, Long offset) {

    public static final String VERIFIED = "VERIFIED";

    public boolean isVerified() {
        return VERIFIED.equals(state);
    }
}
