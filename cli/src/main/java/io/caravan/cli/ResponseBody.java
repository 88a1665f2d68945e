package io.caravan.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body whose read failures are {@link NetworkException}s, and whose reads give up once one
 * has waited longer than the timeout: the stream is then closed and the waiting reader interrupted
 * (the JDK's client has no read timeout of its own).
 */
final class ResponseBody extends FilterInputStream {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-read-timeout");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final ScheduledFuture<?> watch;
    private Thread reader;
    private long readSince;
    private boolean timedOut;

    ResponseBody(InputStream in, Duration timeout) {
        super(in);
        this.timeout = timeout;
        long period = Math.max(timeout.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10));
        watch = TIMER.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.NANOSECONDS);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        synchronized (this) {
            reader = Thread.currentThread();
            readSince = System.nanoTime();
        }
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw new NetworkException(timedOut() ? "no data from the server for " + timeout.toSeconds() + " s"
                    : "transfer interrupted: " + e.getMessage(), e);
        } finally {
            synchronized (this) {
                reader = null;
                if (timedOut) {
                    Thread.interrupted(); // ours: the caller's interrupt status is not for us to keep
                }
            }
        }
    }

    private synchronized boolean timedOut() {
        return timedOut;
    }

    private synchronized void watch() {
        if (reader == null || System.nanoTime() - readSince < timeout.toNanos()) {
            return;
        }
        timedOut = true;
        watch.cancel(false);
        try {
            in.close();
        } catch (IOException ignored) {
            // the reader fails either way
        }
        reader.interrupt();
    }

    @Override
    public void close() throws IOException {
        watch.cancel(false);
        super.close();
    }
}
