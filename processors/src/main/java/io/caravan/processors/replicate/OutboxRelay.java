package io.caravan.processors.replicate;

import java.util.List;

import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.OutboxEvent;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox side of the relay route (bean {@code outbox}): hands out unsent events in order and marks
 * each one sent only after the broker acknowledged it.
 */
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Catalogue catalogue;
    private int batchSize = 200;
    private volatile boolean failing;

    public OutboxRelay(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Events taken per poll (default 200). */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    /** Unsent events, oldest first. */
    public List<OutboxEvent> pending() {
        return catalogue.pendingEvents(batchSize);
    }

    /** The broker acknowledged event {@code seq}. */
    public void markSent(long seq) {
        catalogue.markSent(seq);
        if (failing) {
            failing = false;
            LOG.info("outbox relay publishes again");
        }
    }

    /** Publishing failed; the events stay in the outbox and go out on a later poll. Logged once per outage. */
    public void publishFailed(Exchange exchange) {
        if (!failing) {
            failing = true;
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            LOG.warn("outbox relay cannot publish, will retry: {}", cause == null ? "unknown" : cause.getMessage());
        }
    }
}
