package io.caravan.processors.files;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shape of a file id: {@code <sequence, base 36>-<60 random bits, base 32>[.<extension>]},
 * e.g. {@code 2s-7kq3mx9d4rbz.mp3}.
 *
 * <p>The sequence comes from the JDBC block allocator, so ids from any gateway never collide; the
 * random part makes ids impossible to enumerate; the extension keeps players and browsers happy.
 * Ids are URL-path safe and never contain {@code /}.
 */
public final class FileIds {

    /** Crockford's base 32 alphabet, lower case: no i, l, o, u. */
    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final int RANDOM_CHARS = 12;
    private static final Pattern ID = Pattern.compile("[0-9a-z]{1,13}-[0-9a-hjkmnp-tv-z]{12}(\\.[0-9a-z]{1,10})?");
    private static final Pattern EXTENSION = Pattern.compile("[0-9a-z]{1,10}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileIds() {
    }

    /** A new id for sequence value {@code seq} and original file name {@code name}. */
    public static String newId(long seq, String name) {
        StringBuilder sb = new StringBuilder(32).append(Long.toString(seq, 36)).append('-');
        long bits = RANDOM.nextLong();
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(ALPHABET[(int) (bits & 31)]);
            bits >>>= 5;
        }
        String ext = extensionOf(name);
        if (!ext.isEmpty()) {
            sb.append('.').append(ext);
        }
        return sb.toString();
    }

    /** The lower-case extension of {@code name} if it is short and alphanumeric, else empty. */
    public static String extensionOf(String name) {
        if (name == null) {
            return "";
        }
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        String base = name.substring(slash + 1);
        int dot = base.lastIndexOf('.');
        if (dot <= 0 || dot == base.length() - 1) {
            return "";
        }
        String ext = base.substring(dot + 1).toLowerCase(Locale.ROOT);
        return EXTENSION.matcher(ext).matches() ? ext : "";
    }

    /** {@code true} when {@code id} has the shape of an id this class makes. */
    public static boolean isValid(String id) {
        return id != null && id.length() <= 40 && ID.matcher(id).matches();
    }
}
