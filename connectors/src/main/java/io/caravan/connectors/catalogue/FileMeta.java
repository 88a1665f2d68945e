package io.caravan.connectors.catalogue;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for a file's key/value metadata, and the text {@code GET /files?q=} searches: keys are
 * lower-case {@code [a-z0-9._-]} (at most 64, starting with a letter or digit), values at most 1024
 * characters without control characters, at most 32 keys per file.
 */
public final class FileMeta {

    public static final int MAX_KEYS = 32;
    public static final int MAX_VALUE = 1024;
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private FileMeta() {
    }

    /** The key in its stored form (lower case); throws {@link IllegalArgumentException} when it breaks the rules. */
    public static String key(String raw) {
        String k = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
        if (!KEY.matcher(k).matches()) {
            throw new IllegalArgumentException("bad metadata key '" + raw + "': use 1 to 64 of a-z 0-9 . _ -");
        }
        return k;
    }

    /** The value, trimmed; throws {@link IllegalArgumentException} when it breaks the rules. */
    public static String value(String key, String raw) {
        String v = raw == null ? "" : raw.trim();
        if (v.isEmpty() || v.length() > MAX_VALUE || v.codePoints().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("bad value for metadata key '" + key + "': 1 to " + MAX_VALUE
                    + " characters, no control characters");
        }
        return v;
    }

    /** A checked copy of {@code meta}, sorted by key. */
    public static Map<String, String> checked(Map<String, String> meta) {
        Map<String, String> out = new TreeMap<>();
        meta.forEach((k, v) -> {
            String key = key(k);
            out.put(key, value(key, v));
        });
        if (out.size() > MAX_KEYS) {
            throw new IllegalArgumentException("at most " + MAX_KEYS + " metadata keys per file");
        }
        return out;
    }

    /** Lower case, compatibility-decomposed, accents removed: "Beyoncé" and "BEYONCE" both give "beyonce". */
    public static String normalize(String text) {
        return MARKS.matcher(Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFKD)).replaceAll("");
    }

    /** What a search matches for a file: its name and its metadata values, normalized. */
    public static String searchText(String name, Map<String, String> meta) {
        StringBuilder sb = new StringBuilder(normalize(name));
        meta.values().forEach(v -> sb.append('\n').append(normalize(v)));
        return sb.toString();
    }
}
