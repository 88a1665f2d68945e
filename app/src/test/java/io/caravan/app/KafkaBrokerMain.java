package io.caravan.app;

import java.nio.file.Path;

import io.caravan.connectors.kafka.EmbeddedKafkaBroker;

/** A Kafka broker in a JVM of its own, so a test can stop and restart it under a running Caravan. */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    /** Arguments: data directory, client port. The controller listens on the client port + 1. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Path.of(args[0]), port, port + 1);
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("BROKER READY " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}
