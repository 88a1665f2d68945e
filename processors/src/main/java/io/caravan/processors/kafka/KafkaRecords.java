package io.caravan.processors.kafka;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.events.FileEvent;
import io.caravan.processors.support.CaravanHeaders;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultMessage;

/**
 * The Kafka edge of the event routes (bean {@code kafkaRecords}): outbox events become Kafka records for the
 * relay, and a replicator's polled records become typed {@link FileEvent}s, committed once they were applied.
 */
public class KafkaRecords {

    /**
     * The events as Kafka records in structured CloudEvents mode: key = file id, value = the event JSON,
     * headers {@code ce_type} and {@code content-type}. The Kafka producer sends a list body as one batch.
     */
    public List<Message> fromOutbox(List<OutboxEvent> events, CamelContext context) {
        List<Message> out = new ArrayList<>(events.size());
        for (OutboxEvent e : events) {
            Message m = new DefaultMessage(context);
            m.setHeader(KafkaConstants.KEY, e.fileId());
            m.setHeader(CaravanHeaders.CE_TYPE, e.type());
            m.setHeader(CaravanHeaders.RECORD_CONTENT_TYPE, CloudEvents.CONTENT_TYPE);
            m.setBody(e.payload());
            out.add(m);
        }
        return out;
    }

    /**
     * The file events of the exchange body (one polled batch: a list of record exchanges, the consumer's
     * {@code batching} mode; or a single record), in log order with their positions. The records are kept in the
     * exchange property {@value CaravanHeaders#RECORDS} for {@link #commit}.
     */
    public List<FileEvent> events(Exchange exchange) throws IOException {
        List<Exchange> records = records(exchange);
        exchange.setProperty(CaravanHeaders.RECORDS, records);
        List<FileEvent> events = new ArrayList<>(records.size());
        for (Exchange record : records) {
            events.add(FileEvent.parse(record.getIn().getBody(String.class),
                    record.getIn().getHeader(KafkaConstants.PARTITION, Integer.class),
                    record.getIn().getHeader(KafkaConstants.OFFSET, Long.class)));
        }
        return events;
    }

    /** Commits, for each partition among {@code records}, the offset after its last record. */
    public void commit(@ExchangeProperty(CaravanHeaders.RECORDS) List<Exchange> records) {
        Map<Integer, KafkaManualCommit> lastPerPartition = new HashMap<>();
        for (Exchange record : records) {
            KafkaManualCommit manual = record.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (manual != null) {
                lastPerPartition.put(record.getIn().getHeader(KafkaConstants.PARTITION, Integer.class), manual);
            }
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }

    /** The record exchanges of a batching consumer's exchange, or the exchange itself when it is one record. */
    private static List<Exchange> records(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        if (body instanceof List<?> list && (list.isEmpty() || list.get(0) instanceof Exchange)) {
            return list.stream().map(Exchange.class::cast).toList();
        }
        return List.of(exchange);
    }
}
