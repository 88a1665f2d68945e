package io.caravan.processors.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    private static final long SIZE = 1000;

    private static List<ByteRange> one(long a, long b) {
        return List.of(new ByteRange(a, b));
    }

    @Test
    void should_parse_a_closed_range() {
        assertEquals(one(100, 199), ByteRange.parse("bytes=100-199", SIZE));
        assertEquals("bytes 100-199/1000", new ByteRange(100, 199).contentRange(SIZE));
        assertEquals(100, new ByteRange(100, 199).length());
    }

    @Test
    void should_parse_open_ended_and_suffix_ranges() {
        assertEquals(one(990, 999), ByteRange.parse("bytes=990-", SIZE));
        assertEquals(one(900, 999), ByteRange.parse("bytes=-100", SIZE));
        assertEquals(one(0, 999), ByteRange.parse("bytes=-5000", SIZE), "a suffix longer than the file is the whole file");
    }

    @Test
    void should_clamp_the_last_position_without_overflow() {
        assertEquals(one(500, 999), ByteRange.parse("bytes=500-123456", SIZE));
        assertEquals(one(0, 999), ByteRange.parse("bytes=0-99999999999999999999999", SIZE));
    }

    @Test
    void should_be_unsatisfiable_past_the_end_or_inverted() {
        assertEquals(List.of(), ByteRange.parse("bytes=1000-", SIZE));
        assertEquals(List.of(), ByteRange.parse("bytes=5-3", SIZE));
        assertEquals(List.of(), ByteRange.parse("bytes=-0", SIZE));
        assertEquals(List.of(), ByteRange.parse("bytes=99999999999999999999999-", SIZE));
    }

    @Test
    void should_ignore_what_it_cannot_use() {
        assertNull(ByteRange.parse(null, SIZE));
        assertNull(ByteRange.parse("items=0-5", SIZE));
        assertNull(ByteRange.parse("bytes=abc", SIZE));
        assertNull(ByteRange.parse("bytes=1-x", SIZE));
        assertNull(ByteRange.parse("bytes", SIZE));
        assertNull(ByteRange.parse("bytes=0-1", 0), "an empty file has no ranges to serve: 200");
        assertNull(ByteRange.parse("bytes=" + "0-0,".repeat(17), SIZE), "too many ranges: the whole file");
    }

    @Test
    void should_keep_the_order_of_the_request_and_coalesce_overlaps() {
        assertEquals(List.of(new ByteRange(20, 29), new ByteRange(0, 9)), ByteRange.parse("bytes=20-29,0-9", SIZE), "as asked (§14.6)");
        assertEquals(List.of(new ByteRange(40, 49), new ByteRange(0, 12), new ByteRange(70, 79)),
                ByteRange.parse("bytes=40-49,5-12,70-79,0-9", SIZE), "a coalesced range where its first part was");
        assertEquals(one(0, 29), ByteRange.parse("bytes=0-15,10-29", SIZE), "overlapping");
        assertEquals(one(0, 29), ByteRange.parse("bytes=0-9,10-29", SIZE), "adjacent");
        assertEquals(one(0, 9), ByteRange.parse("bytes=0-9,5000-", SIZE), "unsatisfiable parts are dropped");
        assertEquals(one(1, 2), ByteRange.parse("Bytes= 1 - 2 ,", SIZE), "unit case-insensitive, list whitespace allowed");
        assertNull(ByteRange.parse("bytes = 1-2", SIZE), "no whitespace around =");
    }
}
