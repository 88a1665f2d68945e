package io.caravan.app;

import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Recipe webhook dropped into a running Caravan, posting to a real local HTTP server whose answer depends on the
 * file's name: "flaky" fails twice with 503 then takes it (one delivery, three tries), "down" always answers 500
 * (tried 1 + 3 times, then one dead-letter record with the original event), "gone" answers 410 (tried once,
 * dead-lettered at once).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(mainClass = CaravanApp.class,
        propertyPlaceholderLocations = CaravanApp.CONFIG,
        properties = {
            "caravan.data.dir=" + WebhookIT.DATA,
            "caravan.http.port=" + WebhookIT.PORT,
            "caravan.kafka.embedded.port=" + WebhookIT.KAFKA_PORT,
            "caravan.extensions.dir=" + WebhookIT.DATA + "/extensions",
            "caravan.extensions.retries=3",
            "caravan.extensions.retry-delay=100",
            "caravan.recipes.webhook.types=caravan.file.stored",
            "caravan.recipes.webhook.url=http://127.0.0.1:" + WebhookIT.HOOK_PORT + "/events"
        })
class WebhookIT {

    static final String DATA = "target/it/webhook";
    static final int PORT = 18140;
    static final int KAFKA_PORT = 19142;
    static final int HOOK_PORT = 18145;
    static final Path DATA_DIR = TestClient.freshDir(DATA);

    /** Requests the server got, per file name; and what it took (2xx). */
    static final Map<String, AtomicInteger> TRIES = new ConcurrentHashMap<>();
    static final List<JsonNode> DELIVERED = new CopyOnWriteArrayList<>();
    static final List<String> CONTENT_TYPES = new CopyOnWriteArrayList<>();
    static final HttpServer SERVER;

    static {
        try {
            SERVER = HttpServer.create(new InetSocketAddress("127.0.0.1", HOOK_PORT), 16);
            SERVER.createContext("/events", ex -> {
                JsonNode event = TestClient.JSON.readTree(ex.getRequestBody().readAllBytes());
                String name = event.path("data").path("name").asText();
                int n = TRIES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                int status = name.startsWith("flaky") ? (n <= 2 ? 503 : 200) : name.startsWith("down") ? 500 : name.startsWith("gone") ? 410 : 200;
                if (status == 200) {
                    DELIVERED.add(event);
                    CONTENT_TYPES.add(ex.getRequestHeaders().getFirst("Content-Type"));
                }
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(status, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            SERVER.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final TestClient client = new TestClient(PORT);

    @AfterAll
    void stopServer() {
        SERVER.stop(0);
    }

    private String upload(String name) throws Exception {
        var r = client.upload(("bytes of " + name).getBytes(StandardCharsets.UTF_8), name, "text/plain");
        assertEquals(201, r.statusCode());
        return (String) json(r).get("id");
    }

    private int tries(String name) {
        AtomicInteger n = TRIES.get(name);
        return n == null ? 0 : n.get();
    }

    @Test
    void should_deliver_with_retries_and_dead_letter_what_fails() throws Exception {
        client.dropRecipe(DATA_DIR.resolve("extensions"), "webhook");
        String flaky = upload("flaky.txt");
        String down = upload("down.txt");
        String gone = upload("gone.txt");
        String fine = upload("fine.txt");

        assertTrue(TestClient.eventually(Duration.ofSeconds(60), () -> DELIVERED.size() >= 2 && tries("down.txt") >= 4 && tries("gone.txt") >= 1),
                "tries: " + TRIES + ", delivered " + DELIVERED.size());
        Thread.sleep(1500); // nothing more should come
        assertEquals(3, tries("flaky.txt"), "503, 503, then 200");
        assertEquals(4, tries("down.txt"), "the first try and 3 more");
        assertEquals(1, tries("gone.txt"), "a 4xx is not tried again");
        assertEquals(1, tries("fine.txt"));
        assertEquals(List.of(flaky, fine), DELIVERED.stream().map(e -> e.path("subject").asText()).sorted((a, b) -> a.equals(flaky) ? -1 : 1).toList());
        assertTrue(CONTENT_TYPES.stream().allMatch(t -> t.startsWith("application/cloudevents+json")), CONTENT_TYPES.toString());

        // the delivered body is the event as Caravan published it
        JsonNode published = TestClient.findEvent(KAFKA_PORT, flaky, "caravan.file.stored");
        assertEquals(published, DELIVERED.stream().filter(e -> e.path("subject").asText().equals(flaky)).findFirst().orElseThrow());

        // the same event once more (a redelivery: the relay sent it again, say): skipped by its CloudEvents id
        JsonNode fineEvent = TestClient.findEvent(KAFKA_PORT, fine, "caravan.file.stored");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + KAFKA_PORT);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            ProducerRecord<String, String> again = new ProducerRecord<>("caravan.files", fine, TestClient.JSON.writeValueAsString(fineEvent));
            again.headers().add("ce_type", "caravan.file.stored".getBytes(StandardCharsets.UTF_8));
            producer.send(again).get();
        }
        String marker = upload("after-the-duplicate.txt"); // delivered after the duplicate was read
        assertTrue(TestClient.eventually(Duration.ofSeconds(30), () -> tries("after-the-duplicate.txt") == 1), "the next event came");
        assertEquals(1, tries("fine.txt"), "the duplicate was not delivered");
        assertTrue(marker != null);

        List<ConsumerRecord<String, String>> dead = TestClient.records(KAFKA_PORT, "caravan.files.dlq");
        assertEquals(2, dead.size(), "one dead letter each for down and gone");
        for (String id : List.of(down, gone)) {
            ConsumerRecord<String, String> rec = dead.stream().filter(d -> id.equals(d.key())).findFirst().orElseThrow();
            assertEquals(TestClient.findEvent(KAFKA_PORT, id, "caravan.file.stored"), TestClient.JSON.readTree(rec.value()), "the original event");
            assertEquals("webhook", TestClient.recordHeader(rec, "CaravanDeadLetterRoute"));
            assertTrue(TestClient.recordHeader(rec, "CaravanDeadLetterReason").contains(id.equals(down) ? "500" : "410"),
                    TestClient.recordHeader(rec, "CaravanDeadLetterReason"));
        }
    }
}
