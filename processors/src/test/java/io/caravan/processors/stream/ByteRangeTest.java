package io.caravan.processors.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    private static final long SIZE = 1000;

    @Test
    void should_parse_a_closed_range() {
        assertEquals(new ByteRange(100, 199), ByteRange.parse("bytes=100-199", SIZE));
        assertEquals("bytes 100-199/1000", ByteRange.parse("bytes=100-199", SIZE).contentRange(SIZE));
        assertEquals(100, ByteRange.parse("bytes=100-199", SIZE).length());
    }

    @Test
    void should_parse_open_ended_and_suffix_ranges() {
        assertEquals(new ByteRange(990, 999), ByteRange.parse("bytes=990-", SIZE));
        assertEquals(new ByteRange(900, 999), ByteRange.parse("bytes=-100", SIZE));
        // a suffix longer than the file is the whole file
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=-5000", SIZE));
    }

    @Test
    void should_clamp_the_last_position() {
        assertEquals(new ByteRange(500, 999), ByteRange.parse("bytes=500-123456", SIZE));
        assertEquals(new ByteRange(0, 999), ByteRange.parse("bytes=0-99999999999999999999999", SIZE));
    }

    @Test
    void should_be_unsatisfiable_past_the_end_or_inverted() {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=1000-", SIZE));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=5-3", SIZE));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", SIZE));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=0-", 0));
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=99999999999999999999999-", SIZE));
    }

    @Test
    void should_ignore_what_it_cannot_use() {
        assertNull(ByteRange.parse(null, SIZE));
        assertNull(ByteRange.parse("items=0-5", SIZE));
        assertNull(ByteRange.parse("bytes=abc", SIZE));
        assertNull(ByteRange.parse("bytes=1-x", SIZE));
        assertNull(ByteRange.parse("bytes=0-1,5-6", SIZE));
        assertNull(ByteRange.parse("bytes", SIZE));
    }

    @Test
    void should_accept_unit_case_and_spaces() {
        assertEquals(new ByteRange(1, 2), ByteRange.parse(" Bytes = 1 - 2 ", SIZE));
    }
}
