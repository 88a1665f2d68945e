package io.caravan.processors.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.connectors.catalogue.OutboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox side of the {@code outbox-relay} route (bean {@code outboxRelay}): hands out unsent events in
 * order, a batch at a time, marks them sent only after the broker acknowledged every one, and prunes the
 * published ones after the retention.
 */
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final OutboxStore outbox;
    private final int batchSize;
    private final Duration retention;
    private volatile boolean failing;

    /**
     * @param batchSize events taken per poll
     * @param retention how long sent events stay in the outbox table ({@code caravan.outbox.retention})
     */
    public OutboxRelay(OutboxStore outbox, int batchSize, Duration retention) {
        this.outbox = outbox;
        this.batchSize = batchSize;
        this.retention = retention;
    }

    /** Unsent events, oldest first. */
    public List<OutboxEvent> pending() {
        return outbox.pending(batchSize);
    }

    /** The broker acknowledged all of {@code events}. */
    public void markSent(List<OutboxEvent> events) {
        outbox.markSent(events.stream().map(OutboxEvent::seq).toList());
        if (failing) {
            failing = false;
            LOG.info("outbox relay publishes again");
        }
    }

    /** Publishing failed with {@code cause}; the events stay in the outbox and go out on a later poll. Logged once per outage. */
    public void publishFailed(Throwable cause) {
        if (!failing) {
            failing = true;
            LOG.warn("outbox relay cannot publish, will retry: {}", cause == null ? "unknown" : cause.getMessage());
        }
    }

    /** Deletes the events sent more than the retention ago: the outbox only has to hold what Kafka has not. */
    public int prune() {
        int n = outbox.pruneSent(Instant.now().minus(retention));
        if (n > 0) {
            LOG.info("outbox: removed {} events published more than {} ago", n, retention);
        }
        return n;
    }
}
