package io.caravan.processors.extensions;

import java.time.Clock;
import java.time.Duration;

import io.caravan.connectors.catalogue.SeenEventStore;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The idempotent repository of extension event routes (bean {@code seenEvents}): keys are
 * {@code <consumer group>/<CloudEvents id>}, kept in the catalogue ({@link SeenEventStore}) so a redelivered
 * event is skipped after a restart, and on another gateway, too. Kept for {@code caravan.extensions.dedup-retention}.
 */
public class SeenEvents implements IdempotentRepository {

    private final SeenEventStore store;
    private final Clock clock;
    private final Duration retention;

    public SeenEvents(SeenEventStore store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    @Override
    public boolean add(String key) {
        String[] k = split(key);
        return store.add(k[0], k[1], clock.instant());
    }

    @Override
    public boolean contains(String key) {
        String[] k = split(key);
        return store.contains(k[0], k[1]);
    }

    @Override
    public boolean remove(String key) {
        String[] k = split(key);
        return store.remove(k[0], k[1]);
    }

    @Override
    public boolean confirm(String key) {
        return true; // added eagerly: nothing more to write
    }

    /** Not for all consumers at once: to replay a group, forget it with {@link SeenEventStore#clear}. */
    @Override
    public void clear() {
        throw new UnsupportedOperationException("seen events are forgotten per consumer group, or after the retention");
    }

    /** Forgets what is older than the retention (the {@code catalogue-compact} route); returns how many went. */
    public int prune() {
        return store.prune(clock.instant().minus(retention));
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
    }

    private static String[] split(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("a seen-event key is <consumer group>/<event id>, not " + key);
        }
        return new String[] {key.substring(0, slash), key.substring(slash + 1)};
    }
}
