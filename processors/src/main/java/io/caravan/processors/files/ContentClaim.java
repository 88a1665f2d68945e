package io.caravan.processors.files;

import java.util.Locale;
import java.util.regex.Pattern;

import io.caravan.processors.support.InvalidInputException;

/** The content an upload says it sends ({@code ?sha256=&size=}): with no body, an instant upload. */
public record ContentClaim(String sha256, long size) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    /** The claim of {@code ?sha256=&size=}, null when neither is given; both or neither must be. */
    public static ContentClaim of(String sha256, String size) {
        if (sha256 == null && size == null) {
            return null;
        }
        if (sha256 == null || !SHA256.matcher(sha256.trim()).matches()) {
            throw new InvalidInputException("sha256 must be 64 hex digits (with size, the content's SHA-256)");
        }
        try {
            long n = Long.parseLong(size == null ? "" : size.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return new ContentClaim(sha256.trim().toLowerCase(Locale.ROOT), n);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("size must be the content's length in bytes (with sha256)");
        }
    }
}
