package io.caravan.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Starts and stops {@link KafkaBrokerMain} in a JVM of its own, for tests that need an external broker. */
final class BrokerProcess {

    private BrokerProcess() {
    }

    /** Starts the broker on {@code port} (controller on port + 1) and waits until it says it is ready. */
    static Process start(Path dir, int port, Path log) throws Exception {
        long readyBefore = readyLines(log);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(), dir.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < end) {
            if (readyLines(log) > readyBefore) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("broker exited, see " + log);
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("broker not ready, see " + log);
    }

    /** SIGTERM, then wait for a clean shutdown. */
    static void stop(Process broker) throws InterruptedException {
        if (broker.isAlive()) {
            broker.destroy();
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    private static long readyLines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith("BROKER READY")).count() : 0;
    }
}
