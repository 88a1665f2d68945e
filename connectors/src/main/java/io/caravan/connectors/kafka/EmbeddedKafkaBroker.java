package io.caravan.connectors.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker inside this JVM, for the embedded default and for tests.
 *
 * <p>Its data directory is locked for the life of the broker: a second broker on the same
 * directory would corrupt the first one's metadata log.
 */
public class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private FileChannel lockChannel;
    private FileLock lock;
    private KafkaRaftServer server;

    /**
     * @param dir            where the broker keeps its logs and metadata
     * @param port           the client port on 127.0.0.1
     * @param controllerPort the KRaft controller port on 127.0.0.1
     */
    public EmbeddedKafkaBroker(Path dir, int port, int controllerPort) {
        this.dir = dir.toAbsolutePath().normalize();
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** {@code 127.0.0.1:<port>}, for clients. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the directory when new, then starts the broker and waits until it is up. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        Files.createDirectories(dir);
        lockChannel = FileChannel.open(dir.resolve(".caravan.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IOException("Kafka data directory " + dir + " is in use by another process");
        }
        Path logs = dir.resolve("logs");
        Properties props = properties(logs);
        if (!Files.exists(logs.resolve("meta.properties"))) {
            format(props);
        }
        KafkaRaftServer s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            s.shutdown();
            releaseLock();
            throw new IOException("embedded Kafka broker failed to start on port " + port + ": " + e.getMessage(), e);
        }
        server = s;
        LOG.info("Embedded Kafka broker (KRaft) listening on {}, data in {}", bootstrapServers(), dir);
    }

    private Properties properties(Path logs) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logs.toString());
        p.put("num.partitions", "4");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "4194304");
        p.put("auto.create.topics.enable", "true");
        // a restarted broker re-registers at once instead of waiting out its old session
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "2000");
        return p;
    }

    private void format(Properties props) throws IOException {
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, "written by Caravan for the embedded broker");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            kafka.tools.StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(), "--ignore-formatted"
            }, ps);
        } catch (Exception e) {
            throw new IOException("formatting Kafka storage in " + dir + " failed: " + e.getMessage() + " " + buf, e);
        }
        LOG.debug("Kafka storage formatted: {}", buf.toString(StandardCharsets.UTF_8).trim());
    }

    /** Stops the broker and waits for it to finish. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Embedded Kafka broker stopped");
        }
        releaseLock();
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("could not release the lock on {}: {}", dir, e.getMessage());
        }
        lock = null;
        lockChannel = null;
    }
}
