package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class UnitsTest {

    @Test
    void should_read_ttls_in_seconds_minutes_hours_and_days() {
        assertEquals(90, Units.seconds("90"));
        assertEquals(90, Units.seconds("90s"));
        assertEquals(15 * 60, Units.seconds("15m"));
        assertEquals(3600, Units.seconds("1h"));
        assertEquals(7 * 86_400, Units.seconds("7d"));
        assertEquals(7200, Units.seconds(" 2H "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-5", "1y", "1.5h", "h", "10 m", "99999999999999d"})
    void should_refuse_ttls_that_are_not_a_positive_amount_of_a_known_unit(String ttl) {
        assertThrows(RuntimeException.class, () -> Units.seconds(ttl));
    }

    @Test
    void should_explain_what_a_ttl_looks_like() {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> Units.seconds("1y"));
        assertEquals("invalid duration '1y': expected 90, 90s, 15m, 1h or 7d", e.getMessage());
    }

    @Test
    void should_read_rates_with_binary_multiples_like_curl() {
        assertEquals(500, Units.bytes("500"));
        assertEquals(200 * 1024, Units.bytes("200k"));
        assertEquals(2 * 1024 * 1024, Units.bytes("2M"));
        assertEquals(1L << 30, Units.bytes("1g"));
        assertThrows(TypeConversionException.class, () -> Units.bytes("5x"));
    }

    @Test
    void should_format_sizes_for_people() {
        assertEquals("0 B", Units.humanBytes(0));
        assertEquals("1023 B", Units.humanBytes(1023));
        assertEquals("1.0 KiB", Units.humanBytes(1024));
        assertEquals("118.0 KiB", Units.humanBytes(120_799));
        assertEquals("4.0 MiB", Units.humanBytes(4L << 20));
        assertEquals("1.5 GiB", Units.humanBytes(3L << 29));
    }

    @Test
    void should_format_durations_as_a_clock() {
        assertEquals("0:07", Units.clock(7));
        assertEquals("12:30", Units.clock(750));
        assertEquals("1:02:03", Units.clock(3723));
    }
}
