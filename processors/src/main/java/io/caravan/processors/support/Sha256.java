package io.caravan.processors.support;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 of Caravan: fresh digests, and hex digests of streams. */
public final class Sha256 {

    private Sha256() {
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lower-case hex of {@code digest}'s result (which resets it). */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The lower-case hex SHA-256 of {@code text}'s UTF-8 bytes. */
    public static String hex(String text) {
        MessageDigest md = digest();
        md.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return hex(md);
    }

    /** Reads {@code in} to its end; the hex SHA-256 of what it held and how many bytes, as {@link Hashed}. */
    public static Hashed of(InputStream in) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[256 * 1024];
        long count = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
            count += n;
        }
        return new Hashed(hex(md), count);
    }

    /** A stream's SHA-256 (hex) and length. */
    public record Hashed(String sha256, long size) {
    }
}
