package io.caravan.app;

import static io.caravan.app.TestClient.eventually;
import static io.caravan.app.TestClient.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.Test;

/**
 * Two gateway processes sharing one real PostgreSQL (Debian's, started by {@code .ci/run}) and one
 * Kafka broker form one cluster: disjoint ids, any gateway serves any file, replicators shared out by
 * Kafka's consumer groups.
 */
class MultiGatewayIT {

    @Test
    void should_form_one_cluster_from_two_gateways_on_postgresql() throws Exception {
        String pgUrl = System.getenv("CARAVAN_TEST_PG_URL");
        assumeTrue(pgUrl != null && !pgUrl.isBlank(), "CARAVAN_TEST_PG_URL not set: no PostgreSQL to test against");
        String pgUser = System.getenv("CARAVAN_TEST_PG_USER");
        String pgPassword = System.getenv("CARAVAN_TEST_PG_PASSWORD");
        try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        Path data = TestClient.freshDir("target/it/gateways");
        int kafka = 19892;
        Process broker = BrokerProcess.start(data.resolve("broker"), kafka, data.resolve("broker.log"));
        int[] ports = {18780, 18880};
        Map<String, String> shared = new HashMap<>(Map.of(
                "CARAVAN_DATA_DIR", data.toString(),
                "CARAVAN_KAFKA_BOOTSTRAP", "127.0.0.1:" + kafka,
                "CARAVAN_DB_URL", pgUrl, "CARAVAN_DB_USER", pgUser, "CARAVAN_DB_PASSWORD", pgPassword));
        Map<String, String> envA = new HashMap<>(shared);
        envA.put("CARAVAN_HTTP_PORT", String.valueOf(ports[0]));
        envA.put("CARAVAN_GATEWAY_ID", "gw-a");
        Map<String, String> envB = new HashMap<>(shared);
        envB.put("CARAVAN_HTTP_PORT", String.valueOf(ports[1]));
        envB.put("CARAVAN_GATEWAY_ID", "gw-b");
        try (CaravanProcess a = new CaravanProcess(envA, List.of(), data.resolve("gw-a.log"));
             CaravanProcess b = new CaravanProcess(envB, List.of(), data.resolve("gw-b.log"))) {
            a.start(ports[0]);
            b.start(ports[1]);
            TestClient[] gateways = {new TestClient(ports[0]), new TestClient(ports[1])};
            Random random = new Random(3);
            Map<String, byte[]> files = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                byte[] bytes = new byte[200 + random.nextInt(4000)];
                random.nextBytes(bytes);
                HttpResponse<byte[]> r = gateways[i % 2].upload(bytes, "f" + i + ".bin", "application/octet-stream");
                assertEquals(201, r.statusCode(), new String(r.body()));
                byte[] before = files.put((String) json(r).get("id"), bytes);
                assertEquals(null, before, "an id was handed out twice");
            }
            System.out.printf("[measure] 1000 uploads through two gateways on PostgreSQL: %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertEquals(1000, files.size());

            int i = 0;
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                // read through the gateway that did not take the upload
                HttpResponse<byte[]> r = gateways[(i++ + 1) % 2].get("/files/" + e.getKey());
                assertEquals(200, r.statusCode());
                assertArrayEquals(e.getValue(), r.body());
            }
            assertTrue(eventually(Duration.ofSeconds(60), () -> files.keySet().stream().allMatch(id -> TestClient.copies(data, id).size() == 2)),
                    "every file on both nodes of its group");

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafka))) {
                Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                        List.of("caravan-replica-g1-a", "caravan-replica-g2-b")).all().get();
                groups.forEach((name, g) -> assertEquals(2, g.members().size(), name + " has a member on each gateway"));
            }
            a.stop();
            b.stop();
        } finally {
            BrokerProcess.stop(broker);
        }
    }
}
