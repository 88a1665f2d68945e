package io.caravan.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of files and file regions, as lower-case hex like the server's. */
final class Sha256 {

    private static final int BUFFER = 256 * 1024;

    private Sha256() {
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hex digest of a whole file. */
    static String of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return hex(update(digest(), ch, 0, ch.size()));
        }
    }

    /** Adds {@code length} bytes of the file from {@code offset} on to the digest; returns it. */
    static MessageDigest update(MessageDigest digest, FileChannel ch, long offset, long length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            buf.clear().limit((int) Math.min(BUFFER, end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("file shorter than expected");
            }
            digest.update(buf.flip());
            pos += n;
        }
        return digest;
    }
}
