package io.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/** Copies a response body to where it goes, hashing it, counting it and keeping to the rate limit. */
final class Transfer {

    private static final int BUFFER = 64 * 1024;

    /** Where the bytes go. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    private Transfer() {
    }

    /** A sink that writes a file from {@code position} on with positional writes, so threads can share the channel. */
    static Sink at(FileChannel channel, long position) {
        return new Sink() {
            private long next = position;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    next += channel.write(buf, next);
                }
            }
        };
    }

    /**
     * Copies until the end of {@code in} or {@code max} bytes.
     *
     * @param counted told of every chunk copied (progress)
     * @return the number of bytes copied
     */
    static long copy(InputStream in, Sink out, long max, MessageDigest digest, RateLimiter limiter,
                     LongConsumer counted) throws IOException {
        byte[] buf = new byte[BUFFER];
        long total = 0;
        while (total < max) {
            int n = in.read(buf, 0, (int) Math.min(limiter.chunk(BUFFER), max - total));
            if (n < 0) {
                break;
            }
            out.write(buf, 0, n);
            digest.update(buf, 0, n);
            total += n;
            counted.accept(n);
            limiter.acquire(n);
        }
        return total;
    }
}
