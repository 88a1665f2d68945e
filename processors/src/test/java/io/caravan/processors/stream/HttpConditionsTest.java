package io.caravan.processors.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpConditionsTest {

    private static final String ETAG = "\"abc\"";
    private static final Instant MODIFIED = Instant.parse("2026-11-21T10:00:00.750Z");
    private static final String LAST_MODIFIED = HttpConditions.HTTP_DATE.format(MODIFIED);

    private static HttpConditions.Outcome eval(String method, String... headers) {
        Map<String, String> h = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return HttpConditions.evaluate(method, h::get, 1000, ETAG, MODIFIED);
    }

    @Test
    void should_answer_304_for_a_matching_if_none_match_or_an_unchanged_date() {
        assertEquals(304, eval("GET", "If-None-Match", ETAG).status());
        assertEquals(304, eval("HEAD", "If-None-Match", "\"x\", W/\"abc\"").status(), "weak comparison");
        assertEquals(304, eval("GET", "If-None-Match", "*").status());
        assertEquals(200, eval("GET", "If-None-Match", "\"other\"").status());
        assertEquals(304, eval("GET", "If-Modified-Since", LAST_MODIFIED).status());
        assertEquals(200, eval("GET", "If-Modified-Since", "Sat, 21 Nov 2026 09:59:59 GMT").status());
        assertEquals(200, eval("GET", "If-Modified-Since", "not a date").status(), "an invalid date is ignored");
        assertEquals(200, eval("GET", "If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED).status(),
                "If-None-Match wins over If-Modified-Since");
    }

    @Test
    void should_answer_412_when_a_precondition_fails() {
        assertEquals(412, eval("GET", "If-Match", "\"other\"").status());
        assertEquals(412, eval("GET", "If-Match", "W/\"abc\"").status(), "If-Match compares strongly");
        assertEquals(200, eval("GET", "If-Match", ETAG).status());
        assertEquals(412, eval("GET", "If-Unmodified-Since", "Sat, 21 Nov 2026 09:00:00 GMT").status());
        assertEquals(200, eval("GET", "If-Unmodified-Since", LAST_MODIFIED).status());
        assertEquals(412, eval("DELETE", "If-None-Match", ETAG).status());
    }

    @Test
    void should_serve_ranges_only_for_get_and_only_while_if_range_holds() {
        assertEquals(List.of(new ByteRange(0, 9)), eval("GET", "Range", "bytes=0-9").ranges());
        assertEquals(200, eval("HEAD", "Range", "bytes=0-9").status(), "Range is defined for GET only");
        assertEquals(206, eval("GET", "Range", "bytes=0-9", "If-Range", ETAG).status());
        assertEquals(206, eval("GET", "Range", "bytes=0-9", "If-Range", LAST_MODIFIED).status());
        assertEquals(200, eval("GET", "Range", "bytes=0-9", "If-Range", "\"old\"").status());
        assertEquals(200, eval("GET", "Range", "bytes=0-9", "If-Range", "Sat, 21 Nov 2026 09:00:00 GMT").status());
        assertEquals(416, eval("GET", "Range", "bytes=2000-").status());
        assertNull(eval("GET", "Range", "bytes=x").ranges());
    }
}
