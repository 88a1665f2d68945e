package io.caravan.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses and formats durations and byte counts as people type and read them ({@code 15m}, {@code 200k}, {@code 4.0 MiB}). */
final class Units {

    private static final Pattern AMOUNT = Pattern.compile("(\\d{1,12})([a-zA-Z]?)");
    private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** Converts option values with {@link #seconds}. */
    static final class Seconds implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return seconds(value);
        }
    }

    /** Converts option values with {@link #bytes}. */
    static final class Bytes implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return bytes(value);
        }
    }

    /** Seconds from {@code 90}, {@code 90s}, {@code 15m}, {@code 1h} or {@code 7d}; at least 1. */
    static long seconds(String text) {
        Amount a = amount(text, "duration", "90, 90s, 15m, 1h or 7d");
        long unit = switch (a.unit()) {
            case "", "s" -> 1;
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86_400;
            default -> throw a.invalid();
        };
        return Math.multiplyExact(a.number(), unit);
    }

    /** Bytes from {@code 500}, {@code 200k}, {@code 2M} or {@code 1G} (binary multiples, as curl); at least 1. */
    static long bytes(String text) {
        Amount a = amount(text, "size", "500, 200k, 2M or 1G");
        long unit = switch (a.unit()) {
            case "", "b" -> 1;
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> throw a.invalid();
        };
        return Math.multiplyExact(a.number(), unit);
    }

    /** {@code 999 B}, {@code 1.0 KiB}, {@code 117.9 KiB}, {@code 4.0 MiB}. */
    static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int i = -1;
        while (value >= 1024 && i < BINARY.length - 1) {
            value /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BINARY[i]);
    }

    /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    private static Amount amount(String text, String what, String expected) {
        Matcher m = AMOUNT.matcher(text == null ? "" : text.trim());
        boolean matches = m.matches();
        Amount a = new Amount(matches ? Long.parseLong(m.group(1)) : 0,
                matches ? m.group(2).toLowerCase(Locale.ROOT) : "", text, what, expected);
        if (a.number() < 1) {
            throw a.invalid();
        }
        return a;
    }

    /** A positive whole number and its unit letter (lower case, may be empty), as typed. */
    private record Amount(long number, String unit, String text, String what, String expected) {
        TypeConversionException invalid() {
            return new TypeConversionException("invalid " + what + " '" + text + "': expected " + expected);
        }
    }
}
