package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caravan.processors.serving.HttpConditions.Answer;
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
        assertEquals(Answer.NOT_MODIFIED, eval("GET", "If-None-Match", ETAG).answer());
        assertEquals(Answer.NOT_MODIFIED, eval("HEAD", "If-None-Match", "\"x\", W/\"abc\"").answer(), "weak comparison");
        assertEquals(Answer.NOT_MODIFIED, eval("GET", "If-None-Match", "*").answer());
        assertEquals(Answer.WHOLE, eval("GET", "If-None-Match", "\"other\"").answer());
        assertEquals(Answer.NOT_MODIFIED, eval("GET", "If-Modified-Since", LAST_MODIFIED).answer());
        assertEquals(Answer.WHOLE, eval("GET", "If-Modified-Since", "Sat, 21 Nov 2026 09:59:59 GMT").answer());
        assertEquals(Answer.WHOLE, eval("GET", "If-Modified-Since", "not a date").answer(), "an invalid date is ignored");
        assertEquals(Answer.WHOLE, eval("GET", "If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED).answer(),
                "If-None-Match wins over If-Modified-Since");
    }

    @Test
    void should_answer_412_when_a_precondition_fails() {
        assertEquals(Answer.PRECONDITION_FAILED, eval("GET", "If-Match", "\"other\"").answer());
        assertEquals(Answer.PRECONDITION_FAILED, eval("GET", "If-Match", "W/\"abc\"").answer(), "If-Match compares strongly");
        assertEquals(Answer.WHOLE, eval("GET", "If-Match", ETAG).answer());
        assertEquals(Answer.PRECONDITION_FAILED, eval("GET", "If-Unmodified-Since", "Sat, 21 Nov 2026 09:00:00 GMT").answer());
        assertEquals(Answer.WHOLE, eval("GET", "If-Unmodified-Since", LAST_MODIFIED).answer());
        assertEquals(Answer.PRECONDITION_FAILED, eval("DELETE", "If-None-Match", ETAG).answer());
    }

    @Test
    void should_serve_ranges_only_for_get_and_only_while_if_range_holds() {
        assertEquals(List.of(new ByteRange(0, 9)), eval("GET", "Range", "bytes=0-9").ranges());
        assertEquals(Answer.WHOLE, eval("HEAD", "Range", "bytes=0-9").answer(), "Range is defined for GET only");
        assertEquals(Answer.PARTIAL, eval("GET", "Range", "bytes=0-9", "If-Range", ETAG).answer());
        assertEquals(Answer.PARTIAL, eval("GET", "Range", "bytes=0-9", "If-Range", LAST_MODIFIED).answer());
        assertEquals(Answer.WHOLE, eval("GET", "Range", "bytes=0-9", "If-Range", "\"old\"").answer());
        assertEquals(Answer.WHOLE, eval("GET", "Range", "bytes=0-9", "If-Range", "Sat, 21 Nov 2026 09:00:00 GMT").answer());
        assertEquals(Answer.RANGE_NOT_SATISFIABLE, eval("GET", "Range", "bytes=2000-").answer());
        assertNull(eval("GET", "Range", "bytes=x").ranges());
    }
}
