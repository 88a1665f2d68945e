package io.caravan.cli;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/** Keeps the bytes transferred by all the threads that share it under a rate ({@code --limit-rate}). */
final class RateLimiter {

    /** No limit. */
    static final RateLimiter UNLIMITED = new RateLimiter(0);

    private static final int MIN_CHUNK = 1024;

    private final long bytesPerSecond;
    private long nextFree = System.nanoTime();

    /** @param bytesPerSecond the rate, or 0 for none */
    RateLimiter(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** The most bytes worth reading at once: about a tenth of a second's worth, so the pace stays even. */
    int chunk(int max) {
        return bytesPerSecond == 0 ? max : (int) Math.min(max, Math.max(MIN_CHUNK, bytesPerSecond / 10));
    }

    /** Accounts for {@code bytes} just transferred, sleeping until the rate allows them. */
    void acquire(long bytes) throws InterruptedIOException {
        if (bytesPerSecond == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            nextFree = Math.max(nextFree, now) + bytes * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond;
            wait = nextFree - now;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }
}
