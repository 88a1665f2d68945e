package io.caravan.app;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.util.TimeUtils;

/**
 * Caravan's settings, read once at start through Camel's properties (system properties and environment
 * variables override {@code config/application.properties}, which holds every key and its default). A key
 * that is missing or has a bad value stops the start with a message naming it.
 */
final class Settings {

    private final PropertiesComponent properties;

    Settings(PropertiesComponent properties) {
        this.properties = properties;
    }

    /** The value of {@code key}, trimmed; may be empty. */
    String text(String key) {
        return properties.resolveProperty(key).map(String::trim)
                .orElseThrow(() -> new IllegalArgumentException(key + " is not set: config/application.properties "
                        + "documents every key with its default"));
    }

    /** The value of {@code key}, empty when the key is absent or blank (keys whose default is computed). */
    Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    int integer(String key) {
        return parsed(key, Integer::parseInt, "a whole number");
    }

    long number(String key) {
        return parsed(key, Long::parseLong, "a whole number");
    }

    boolean flag(String key) {
        return parsed(key, v -> {
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException();
            }
            return Boolean.parseBoolean(v);
        }, "true or false");
    }

    /** A comma-separated list, each entry trimmed, blanks left out. */
    java.util.List<String> list(String key) {
        return java.util.Arrays.stream(text(key).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** A duration such as {@code 500ms}, {@code 2s}, {@code 1m}, {@code 6h} (Camel's notation; a plain number is milliseconds). */
    Duration duration(String key) {
        return parsed(key, v -> Duration.ofMillis(TimeUtils.toMilliSeconds(v)), "a duration such as 500ms, 2s, 1m or 6h");
    }

    /** The value of {@code key} made by {@code parser}; a value it refuses is an error naming the key and what it expects. */
    <T> T parsed(String key, Function<String, T> parser, String expected) {
        String value = text(key);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            String why = e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")";
            throw new IllegalArgumentException(key + " = '" + value + "': expected " + expected + why, e);
        }
    }
}
