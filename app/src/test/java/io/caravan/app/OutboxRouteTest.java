package io.caravan.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.processors.kafka.KafkaRecords;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox-relay flow of {@code routes/outbox.camel.yaml} in isolation: the pending batch goes to Kafka as one
 * list of records (a mock endpoint stands in for the broker) and is marked sent only when the send succeeded.
 */
class OutboxRouteTest {

    /** Stands in for {@code outboxRelay}: one batch of two events, then nothing; records what the route told it. */
    public static final class Relay {
        final List<List<OutboxEvent>> sent = new CopyOnWriteArrayList<>();
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        volatile boolean given;

        public List<OutboxEvent> pending() {
            if (given) {
                return List.of();
            }
            given = true;
            return List.of(new OutboxEvent(1, "e1", "1-aaaaaaaaaaaa.mp3", "caravan.file.stored", "{\"id\":\"e1\"}"),
                    new OutboxEvent(2, "e2", "2-aaaaaaaaaaaa.mp3", "caravan.file.deleted", "{\"id\":\"e2\"}"));
        }

        public void markSent(List<OutboxEvent> events) {
            sent.add(events);
        }

        public void publishFailed(Throwable cause) {
            failures.add(cause);
        }

        public int prune() {
            return 0;
        }
    }

    private CamelContext context;
    private final Relay relay = new Relay();

    @BeforeEach
    void load() throws Exception {
        context = new DefaultCamelContext();
        context.getPropertiesComponent().setLocation("file:config/application.properties");
        context.getRegistry().bind("outboxRelay", relay);
        context.getRegistry().bind("kafkaRecords", new KafkaRecords());
        for (String flow : new String[] {"error-handling", "outbox"}) {
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    PluginHelper.getResourceLoader(context).resolveResource("file:routes/" + flow + ".camel.yaml"));
        }
        AdviceWith.adviceWith(context, "outbox-relay", a -> a.weaveByToUri("kafka:*").replace().to("mock:kafka"));
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void should_publish_the_batch_as_keyed_cloudevents_records_then_mark_it_sent() throws Exception {
        MockEndpoint kafka = context.getEndpoint("mock:kafka", MockEndpoint.class);
        kafka.expectedMessageCount(1);
        context.start();
        kafka.assertIsSatisfied(5000);
        @SuppressWarnings("unchecked")
        List<Message> records = kafka.getExchanges().get(0).getIn().getBody(List.class);
        List<String> keys = new ArrayList<>();
        for (Message m : records) {
            keys.add(m.getHeader(KafkaConstants.KEY, String.class));
            assertEquals("application/cloudevents+json", m.getHeader("content-type"));
        }
        assertEquals(List.of("1-aaaaaaaaaaaa.mp3", "2-aaaaaaaaaaaa.mp3"), keys);
        assertEquals("caravan.file.deleted", records.get(1).getHeader("ce_type"));
        assertEquals("{\"id\":\"e2\"}", records.get(1).getBody());
        for (int i = 0; i < 50 && relay.sent.isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals(List.of(1L, 2L), relay.sent.get(0).stream().map(OutboxEvent::seq).toList());
        assertTrue(relay.failures.isEmpty());
    }

    @Test
    void should_leave_the_batch_unsent_when_the_broker_refuses_it() throws Exception {
        MockEndpoint kafka = context.getEndpoint("mock:kafka", MockEndpoint.class);
        kafka.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("broker down");
        });
        context.start();
        for (int i = 0; i < 50 && relay.failures.isEmpty(); i++) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals("broker down", relay.failures.get(0).getMessage());
        assertTrue(relay.sent.isEmpty(), "nothing marked sent");
    }
}
