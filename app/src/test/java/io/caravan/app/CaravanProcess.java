package io.caravan.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Caravan as users run it: {@code java -jar app/target/caravan.jar} from the repository root, in its
 * own JVM, configured through environment variables.
 */
public final class CaravanProcess implements AutoCloseable {

    static final Path JAR = Path.of("app/target/caravan.jar");

    private final Map<String, String> env;
    private final List<String> jvmArgs;
    private final Path log;
    private Process process;

    /** The environment of an embedded-default Caravan on its own data directory and ports. */
    public static Map<String, String> embedded(Path data, int port, int kafkaPort) {
        return Map.of("CARAVAN_DATA_DIR", data.toString(),
                "CARAVAN_HTTP_PORT", String.valueOf(port),
                "CARAVAN_KAFKA_EMBEDDED_PORT", String.valueOf(kafkaPort));
    }

    public CaravanProcess(Map<String, String> env, List<String> jvmArgs, Path log) {
        this.env = env;
        this.jvmArgs = jvmArgs;
        this.log = log;
    }

    /** Starts the JVM and waits until {@code /health} answers 200; returns the time that took. */
    public Duration start(int port) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " missing: run the package phase first");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(JAR.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long t0 = System.nanoTime();
        process = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Caravan exited with " + process.exitValue() + ", see " + log);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - t0);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Caravan not healthy within 60 s, see " + log);
    }

    long pid() {
        return process.pid();
    }

    /** Peak resident memory of the process so far, in bytes (Linux /proc). */
    long peakRss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /** Sends SIGTERM (what Ctrl-C does) and waits for the JVM to exit; returns how long that took. */
    public Duration stop() throws InterruptedException {
        long t0 = System.nanoTime();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("Caravan did not stop within 60 s, see " + log);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Kills the JVM at once (SIGKILL): no shutdown hook, nothing flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
