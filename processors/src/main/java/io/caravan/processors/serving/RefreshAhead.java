package io.caravan.processors.serving;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/** Background reads that renew a hot cache entry before it expires, one at a time per key. */
final class RefreshAhead {

    /** One daemon thread: a refresh is a catalogue read or two, and each key is refreshed once at a time. */
    static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "caravan-read-cache-refresh");
        t.setDaemon(true);
        return t;
    });

    private RefreshAhead() {
    }

    /** Runs {@code read} on {@code executor} unless {@code key} is being refreshed already; a failed read is left to the next miss. */
    static void submit(Executor executor, Set<String> refreshing, String key, Runnable read) {
        if (!refreshing.add(key)) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    read.run();
                } catch (RuntimeException e) {
                    // the entry expires as it would have; the next request reads the catalogue itself
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
        }
    }
}
