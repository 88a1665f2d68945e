package io.caravan.processors.serving;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

import io.caravan.processors.support.CaravanHeaders;

/**
 * Evaluates conditional and range requests for one file, in the order RFC 9110 §13.2.2 gives:
 * If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since, then Range (GET only) with If-Range.
 * Pure logic; every policy choice is listed in {@code docs/http.md}.
 */
public final class HttpConditions {

    /** What to answer. */
    public enum Answer {
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: a precondition does not hold. */
        PRECONDITION_FAILED,
        /** 416: no range of the request is in the file. */
        RANGE_NOT_SATISFIABLE,
        /** 200: the whole file. */
        WHOLE,
        /** 206: the ranges of the outcome. */
        PARTIAL
    }

    /** What to answer and, for {@link Answer#PARTIAL}, the ranges to send (else null). */
    public record Outcome(Answer answer, List<ByteRange> ranges) {
    }

    public static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private HttpConditions() {
    }

    /**
     * @param method       the request method
     * @param header       looks a request header up ({@code null} when absent)
     * @param size         the file size
     * @param etag         the file's strong entity tag, quoted
     * @param lastModified the file's modification time (compared to the second)
     */
    public static Outcome evaluate(String method, Function<String, String> header, long size, String etag,
                                   Instant lastModified) {
        boolean getOrHead = "GET".equals(method) || "HEAD".equals(method);
        Instant modified = lastModified.truncatedTo(ChronoUnit.SECONDS);
        String ifMatch = header.apply(CaravanHeaders.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, false)) {
                return new Outcome(Answer.PRECONDITION_FAILED, null);
            }
        } else {
            Instant since = date(header.apply(CaravanHeaders.IF_UNMODIFIED_SINCE));
            if (since != null && modified.isAfter(since)) {
                return new Outcome(Answer.PRECONDITION_FAILED, null);
            }
        }
        String ifNoneMatch = header.apply(CaravanHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag, true)) {
                return new Outcome(getOrHead ? Answer.NOT_MODIFIED : Answer.PRECONDITION_FAILED, null);
            }
        } else if (getOrHead) {
            Instant since = date(header.apply(CaravanHeaders.IF_MODIFIED_SINCE));
            if (since != null && !modified.isAfter(since)) {
                return new Outcome(Answer.NOT_MODIFIED, null);
            }
        }
        if (!"GET".equals(method)) {
            return new Outcome(Answer.WHOLE, null);
        }
        String range = header.apply(CaravanHeaders.RANGE);
        if (range == null) {
            return new Outcome(Answer.WHOLE, null);
        }
        String ifRange = header.apply(CaravanHeaders.IF_RANGE);
        if (ifRange != null && !ifRangeHolds(ifRange.trim(), etag, modified)) {
            return new Outcome(Answer.WHOLE, null);
        }
        List<ByteRange> ranges = ByteRange.parse(range, size);
        if (ranges == null) {
            return new Outcome(Answer.WHOLE, null);
        }
        return ranges.isEmpty() ? new Outcome(Answer.RANGE_NOT_SATISFIABLE, null) : new Outcome(Answer.PARTIAL, ranges);
    }

    /** If-Range holds for the same strong entity tag, or a date equal to Last-Modified. */
    private static boolean ifRangeHolds(String value, String etag, Instant modified) {
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        Instant date = date(value);
        return date != null && date.equals(modified);
    }

    /** An If-Match / If-None-Match list against our strong tag; weak comparison for If-None-Match. */
    private static boolean matches(String list, String etag, boolean weak) {
        for (String raw : list.split(",")) {
            String tag = raw.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (weak && tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP date, or {@code null} when absent or invalid (an invalid date is ignored, RFC 9110 §13.1.3). */
    static Instant date(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
