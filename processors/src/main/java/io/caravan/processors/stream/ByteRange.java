package io.caravan.processors.stream;

import java.util.Locale;

/**
 * A single byte range of a representation, parsed from a {@code Range} header (RFC 9110 §14).
 *
 * <p>{@link #parse} returns {@code null} when the header must be ignored (absent, another unit,
 * a syntax error, several ranges) so the whole file is served with 200; {@link #UNSATISFIABLE} when
 * the answer is 416; otherwise the range with its last position clamped to the file.
 */
public record ByteRange(long first, long last) {

    /** Marker for a range no byte of the file satisfies. */
    public static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    public long length() {
        return last - first + 1;
    }

    public boolean isSatisfiable() {
        return this != UNSATISFIABLE;
    }

    /** The {@code Content-Range} value for this range of a file of {@code size} bytes. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * @param header the Range header value, may be {@code null}
     * @param size   the file size in bytes
     */
    public static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
            return null;
        }
        String spec = h.substring(eq + 1).trim();
        if (spec.indexOf(',') >= 0) {
            return null;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        if (a.isEmpty()) {
            // suffix range: the last N bytes
            long n = number(b);
            if (n < 0) {
                return null;
            }
            if (n == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Math.max(0, size - n), size - 1);
        }
        long first = number(a);
        if (first < 0) {
            return null;
        }
        long last;
        if (b.isEmpty()) {
            last = Long.MAX_VALUE;
        } else {
            last = number(b);
            if (last < 0) {
                return null;
            }
            if (last < first) {
                return UNSATISFIABLE;
            }
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** Digits only; values beyond a long saturate to {@link Long#MAX_VALUE}; -1 when not a number. */
    private static long number(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                v = Long.MAX_VALUE;
            } else if (v != Long.MAX_VALUE) {
                v = v * 10 + (c - '0');
            }
        }
        return v;
    }
}
