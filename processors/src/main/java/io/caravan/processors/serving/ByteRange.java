package io.caravan.processors.serving;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A byte range of a representation, and the parsing of a {@code Range} header (RFC 9110 §14).
 *
 * <p>{@link #parse} returns {@code null} when the header must be ignored (absent, another unit, a
 * syntax error, an empty representation, more than {@link #MAX_RANGES} ranges) so the whole file is
 * served with 200; an empty list when no range is satisfiable (416); otherwise the satisfiable ranges
 * with last positions clamped, overlapping or adjacent ones coalesced, in the order the request gave them (a
 * coalesced range where the first of its parts was; RFC 9110 §14.6). See {@code docs/http.md}.
 */
public record ByteRange(long first, long last) {

    /** More ranges than this in one request are not honoured (the whole file is sent instead). */
    public static final int MAX_RANGES = 16;

    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value for this range of a file of {@code size} bytes. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * @param header the Range header value, may be {@code null}
     * @param size   the file size in bytes
     */
    public static List<ByteRange> parse(String header, long size) {
        if (header == null || size == 0) {
            return null;
        }
        // ranges-specifier = range-unit "=" range-set: no whitespace around "=", the unit case-insensitive
        String h = header.trim();
        if (h.length() < 6 || !h.substring(0, 6).toLowerCase(Locale.ROOT).equals("bytes=")) {
            return null;
        }
        String[] specs = h.substring(6).split(",", -1);
        if (specs.length > MAX_RANGES) {
            return null;
        }
        List<ByteRange> ranges = new ArrayList<>();
        boolean any = false;
        for (String raw : specs) {
            String spec = raw.trim();
            if (spec.isEmpty()) {
                continue; // RFC 9110 allows empty list elements
            }
            any = true;
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long n = number(b);
                if (n < 0) {
                    return null;
                }
                if (n > 0) {
                    ranges.add(new ByteRange(Math.max(0, size - n), size - 1));
                }
                continue;
            }
            long first = number(a);
            long last = b.isEmpty() ? Long.MAX_VALUE : number(b);
            if (first < 0 || last < 0) {
                return null;
            }
            if (last >= first && first < size) {
                ranges.add(new ByteRange(first, Math.min(last, size - 1)));
            }
        }
        return any ? coalesce(ranges) : null;
    }

    /** A range and the position of its first part in the request. */
    private record Placed(ByteRange range, int order) {
    }

    private static List<ByteRange> coalesce(List<ByteRange> ranges) {
        List<Placed> sorted = new ArrayList<>();
        for (int i = 0; i < ranges.size(); i++) {
            sorted.add(new Placed(ranges.get(i), i));
        }
        sorted.sort(Comparator.comparingLong(p -> p.range().first()));
        List<Placed> merged = new ArrayList<>();
        for (Placed p : sorted) {
            Placed prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && p.range().first() <= prev.range().last() + 1) {
                merged.set(merged.size() - 1, new Placed(new ByteRange(prev.range().first(), Math.max(prev.range().last(), p.range().last())),
                        Math.min(prev.order(), p.order())));
            } else {
                merged.add(p);
            }
        }
        merged.sort(Comparator.comparingInt(Placed::order));
        return merged.stream().map(Placed::range).toList();
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
            v = v > (Long.MAX_VALUE - (c - '0')) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }
}
