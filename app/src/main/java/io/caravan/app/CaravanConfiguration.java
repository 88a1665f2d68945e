package io.caravan.app;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Set;

import javax.sql.DataSource;

import io.caravan.connectors.jdbc.Database;
import io.caravan.connectors.kafka.EmbeddedKafkaBroker;
import io.caravan.connectors.kafka.KafkaTopics;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.http.ApiKeys;
import io.caravan.processors.http.CaravanHttpBinding;
import io.caravan.processors.http.HttpErrors;
import io.caravan.processors.http.StreamingUploadDecoder;
import io.caravan.processors.id.IdAllocator;
import io.caravan.processors.replicate.OutboxRelay;
import io.caravan.processors.replicate.ReplicaVerifier;
import io.caravan.processors.replicate.ReplicationLag;
import io.caravan.processors.replicate.Replicator;
import io.caravan.processors.replicate.Scrubber;
import io.caravan.processors.stream.ServingPolicy;
import io.caravan.processors.stream.ManifestProcessor;
import io.caravan.processors.stream.ServedFiles;
import io.caravan.processors.stream.StreamProcessor;
import io.caravan.processors.stream.UrlSigner;
import io.caravan.processors.stream.ZeroCopyEncoder;
import io.caravan.processors.tracker.ClusterStatus;
import io.caravan.processors.tracker.NodeAdmin;
import io.caravan.processors.tracker.Placement;
import io.caravan.processors.tracker.Tracker;
import io.caravan.processors.upload.DeleteProcessor;
import io.caravan.processors.upload.MediaTags;
import io.caravan.processors.upload.MetaProcessor;
import io.caravan.processors.upload.UploadProcessor;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Caravan from its configuration: the database, the Kafka broker (embedded unless
 * {@code caravan.kafka.bootstrap} names one), the storage nodes, and the beans the routes call by name.
 */
@Configuration
public class CaravanConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = new Settings(context);
        Path dataDir = Path.of(s.get("caravan.data.dir", "./data")).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        Runtime runtime = new Runtime();
        context.addService(runtime, true, true);

        // catalogue
        DataSource ds = Database.open(
                s.get("caravan.db.url", "jdbc:h2:file:" + dataDir.resolve("db").resolve("caravan")
                        // WRITE_DELAY=0: a commit reaches the file before the client hears 201 (H2 waits 500 ms by default);
                        // QUERY_CACHE_SIZE: every statement the catalogue runs stays parsed (H2 keeps 8 by default)
                        + ";WRITE_DELAY=0;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE"),
                s.get("caravan.db.user", "sa"), s.get("caravan.db.password", ""));
        runtime.dataSource = ds;
        Database.migrate(ds);
        Catalogue catalogue = new Catalogue(ds);

        // Kafka: an external cluster, or the embedded single-node broker
        String bootstrap = s.get("caravan.kafka.bootstrap", "");
        if (bootstrap.isBlank()) {
            int port = Integer.parseInt(s.get("caravan.kafka.embedded.port", "9092"));
            int controller = Integer.parseInt(s.get("caravan.kafka.embedded.controller-port", String.valueOf(port + 1)));
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), port, controller);
            broker.start();
            runtime.broker = broker;
            bootstrap = broker.bootstrapServers();
        }
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(bootstrap);
        KafkaTopics.ensure(bootstrap, s.get("caravan.kafka.topic", "caravan.files"),
                Integer.parseInt(s.get("caravan.kafka.partitions", "4")),
                Short.parseShort(s.get("caravan.kafka.replication-factor", "1")), Duration.ofSeconds(30));

        // storage nodes and the tracker
        StorageNodes nodes = StorageNodes.fromConfig(key -> s.get(key, null), dataDir);
        runtime.nodes = nodes;
        ReplicationLag lag = new ReplicationLag(bootstrap, s.get("caravan.kafka.topic", "caravan.files"));
        runtime.lag = lag;
        Tracker tracker = new Tracker(nodes, catalogue);
        runtime.tracker = tracker;
        tracker.setOfflineAfter(Integer.parseInt(s.get("caravan.tracker.offline-after", "3")));
        tracker.setReserveBytes(Long.parseLong(s.get("caravan.storage.reserve-bytes", "0")));
        for (StorageNode n : nodes.all()) {
            String reserve = s.get("caravan.storage.node." + n.name() + ".reserve-bytes", null);
            if (reserve != null) {
                tracker.setReserveBytes(n.name(), Long.parseLong(reserve));
            }
        }
        tracker.setProbeTimeout(Duration.ofMillis(TimeUtils.toMilliSeconds(
                s.get("caravan.tracker.probe-timeout", s.get("caravan.tracker.heartbeat-interval", "2s")))));
        tracker.setLag(node -> lag.lag(nodes.all().stream().map(StorageNode::name).toList()).get(node));
        NodeAdmin nodeAdmin = new NodeAdmin(tracker, catalogue, dataDir);
        nodeAdmin.loadStoredNodes();
        tracker.beat();

        // HTTP: stream upload bodies instead of aggregating them in memory
        StreamingUploadDecoder decoder = new StreamingUploadDecoder(Set.of("/files"));
        decoder.setIdleTimeoutMillis(TimeUtils.toMilliSeconds(s.get("caravan.http.upload-idle-timeout", "60s")));
        NettyHttpComponent http = context.getComponent("netty-http", NettyHttpComponent.class);
        http.getConfiguration().setDecodersAsList(java.util.List.of(decoder));
        http.setNettyHttpBinding(new CaravanHttpBinding());
        // requests run on Netty's network threads (no hand-off per request); every route that blocks
        // starts with a threads step onto the "blocking" pool (upload bodies arrive on the network threads)
        http.getConfiguration().setUsingExecutorService(false);
        int workers = Integer.parseInt(s.get("caravan.http.worker-threads", "64"));
        context.getRegistry().bind("blocking", context.getExecutorServiceManager().newThreadPool(this, "blocking",
                new ThreadPoolProfileBuilder("blocking").poolSize(workers).maxPoolSize(workers).maxQueueSize(-1).build()));
        // and send files from disk nodes zero-copy (sendfile)
        http.getConfiguration().setEncodersAsList(java.util.List.of(new ZeroCopyEncoder()));

        ApiKeys keys = new ApiKeys(s.get("caravan.api.keys", ApiKeys.DEVELOPMENT_KEY));
        if (keys.usesDevelopmentKey()) {
            LOG.warn("The development API key '{}' is accepted: set caravan.api.keys before exposing Caravan", ApiKeys.DEVELOPMENT_KEY);
        }

        ReplicaVerifier verifier = new ReplicaVerifier(catalogue);
        Replicator replicator = new Replicator(catalogue, tracker, verifier,
                Integer.parseInt(s.get("caravan.replication.copy-threads", "4")));
        Scrubber scrubber = new Scrubber(catalogue, tracker, verifier, replicator);
        scrubber.setOrphanGrace(Duration.ofMillis(TimeUtils.toMilliSeconds(s.get("caravan.scrub.orphan-grace", "1h"))));
        scrubber.setSettle(Duration.ofMillis(TimeUtils.toMilliSeconds(s.get("caravan.scrub.settle", "30s"))));

        Registry r = context.getRegistry();
        r.bind("dataSource", ds);
        r.bind("catalogue", catalogue);
        r.bind("storageNodes", nodes);
        r.bind("tracker", tracker);
        Placement placement = new Placement(tracker);
        placement.setGroupPolicy(Placement.Policy.of(s.get("caravan.placement.group-policy", "round-robin")));
        placement.setNodePolicy(Placement.Policy.of(s.get("caravan.placement.node-policy", "round-robin")));
        placement.setFixedGroup(s.get("caravan.placement.fixed-group", null));
        placement.validate();
        r.bind("placement", placement);
        r.bind("auth", keys);
        r.bind("httpErrors", new HttpErrors());
        UploadProcessor upload = new UploadProcessor(
                new IdAllocator(ds, "files", Integer.parseInt(s.get("caravan.id.block-size", "100"))),
                placement, catalogue);
        upload.setDedup(Boolean.parseBoolean(s.get("caravan.dedup.enabled", "true")));
        upload.setInstantUpload(Boolean.parseBoolean(s.get("caravan.dedup.instant-upload", "true")));
        r.bind("upload", upload);
        UrlSigner signer = new UrlSigner(UrlSigner.secret(s.get("caravan.http.signing-secret", null), dataDir),
                Boolean.parseBoolean(s.get("caravan.http.signed-urls", "false")));
        ServedFiles served = new ServedFiles(catalogue);
        served.setTtlMillis(TimeUtils.toMilliSeconds(s.get("caravan.http.read-cache", "1s")));
        served.setMaxEntries(Integer.parseInt(s.get("caravan.http.read-cache-size", "10000")));
        StreamProcessor stream = new StreamProcessor(catalogue, served, tracker, verifier,
                new ServingPolicy(s.get("caravan.http.cors-origins", "*")), signer);
        stream.setRelay(Boolean.parseBoolean(s.get("caravan.http.s3-relay", "true")));
        r.bind("stream", stream);
        ManifestProcessor manifest = new ManifestProcessor(catalogue, stream, tracker, signer);
        manifest.setSegmentSize(Long.parseLong(s.get("caravan.manifest.segment-size", "4194304")));
        manifest.setSourceTtl(Duration.ofMillis(TimeUtils.toMilliSeconds(s.get("caravan.manifest.source-ttl", "1h"))));
        r.bind("manifest", manifest);
        r.bind("delete", new DeleteProcessor(catalogue));
        r.bind("meta", new MetaProcessor(catalogue));
        r.bind("mediaTags", new MediaTags(catalogue, nodes));
        r.bind("status", new ClusterStatus(catalogue, tracker, lag));
        OutboxRelay outbox = new OutboxRelay(catalogue);
        outbox.setRetention(Duration.ofMillis(TimeUtils.toMilliSeconds(s.get("caravan.outbox.retention", "24h"))));
        r.bind("outbox", outbox);
        r.bind("replicator", replicator);
        r.bind("scrubber", scrubber);
        r.bind("nodeAdmin", nodeAdmin);

        ReplicatorRoutes replicatorRoutes = new ReplicatorRoutes(nodes,
                Integer.parseInt(s.get("caravan.replication.consumers-per-node", "1")));
        nodeAdmin.setReplicators(replicatorRoutes);
        context.addStartupListener(replicatorRoutes);
    }

    /** Looks settings up through Camel's properties: system properties and environment variables override the file. */
    private record Settings(CamelContext context) {
        String get(String key, String defaultValue) {
            return context.getPropertiesComponent().resolveProperty(key).filter(v -> !v.isBlank()).orElse(defaultValue);
        }
    }

    /** Closes what the configuration opened, after the routes have stopped. */
    private static final class Runtime extends ServiceSupport {
        DataSource dataSource;
        EmbeddedKafkaBroker broker;
        StorageNodes nodes;
        ReplicationLag lag;
        Tracker tracker;

        @Override
        protected void doStop() {
            if (tracker != null) {
                tracker.close();
            }
            if (lag != null) {
                lag.close();
            }
            if (broker != null) {
                broker.close();
            }
            if (nodes != null) {
                nodes.close();
            }
            if (dataSource != null) {
                Database.close(dataSource);
            }
        }
    }
}
