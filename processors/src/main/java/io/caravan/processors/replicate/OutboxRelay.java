package io.caravan.processors.replicate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.catalogue.OutboxEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox side of the relay route (bean {@code outbox}): hands out unsent events in order, as one
 * batch of Kafka records, and marks them sent only after the broker acknowledged every one.
 */
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final Catalogue catalogue;
    private int batchSize = 200;
    private Duration retention = Duration.ofHours(24);
    private volatile boolean failing;

    public OutboxRelay(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** How long sent events stay in the outbox table before {@link #prune} deletes them (default 24 h). */
    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    /** Deletes the events sent more than the retention ago: the outbox only has to hold what Kafka has not. */
    public int prune() {
        int n = catalogue.pruneSent(Instant.now().minus(retention));
        if (n > 0) {
            LOG.info("outbox: removed {} events published more than {} ago", n, retention);
        }
        return n;
    }

    /** Events taken per poll (default 200). */
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    /** Unsent events, oldest first. */
    public List<OutboxEvent> pending() {
        return catalogue.pendingEvents(batchSize);
    }

    /**
     * The events as Kafka records in structured CloudEvents mode: key = file id, value = the event JSON,
     * headers {@code ce_type} and {@code content-type}. The Kafka producer sends a list body as one batch.
     */
    public List<Message> records(List<OutboxEvent> events, Exchange exchange) {
        List<Message> out = new ArrayList<>(events.size());
        for (OutboxEvent e : events) {
            Message m = new DefaultMessage(exchange.getContext());
            m.setHeader(KafkaConstants.KEY, e.fileId());
            m.setHeader("ce_type", e.type());
            m.setHeader("content-type", "application/cloudevents+json");
            m.setBody(e.payload());
            out.add(m);
        }
        return out;
    }

    /** The broker acknowledged all of {@code events}. */
    public void markSent(List<OutboxEvent> events) {
        catalogue.markSent(events.stream().map(OutboxEvent::seq).toList());
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
