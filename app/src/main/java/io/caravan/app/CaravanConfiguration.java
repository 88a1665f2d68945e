package io.caravan.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.Database;
import io.caravan.connectors.kafka.EmbeddedKafkaBroker;
import io.caravan.connectors.media.Ffmpeg;
import io.caravan.connectors.kafka.KafkaTopics;
import io.caravan.connectors.kafka.ReplicationLag;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StorageNodes;
import io.caravan.processors.api.ApiKeys;
import io.caravan.processors.api.ClusterApi;
import io.caravan.processors.api.FileApi;
import io.caravan.processors.api.HlsApi;
import io.caravan.processors.api.LiveApi;
import io.caravan.processors.api.MetricsApi;
import io.caravan.processors.api.HttpErrors;
import io.caravan.processors.api.NodeApi;
import io.caravan.processors.api.StreamApi;
import io.caravan.processors.api.UploadApi;
import io.caravan.processors.events.OutboxRelay;
import io.caravan.processors.extensions.ExtensionFolder;
import io.caravan.processors.extensions.FfmpegSteps;
import io.caravan.processors.extensions.SeenEvents;
import io.caravan.processors.extensions.StoredFiles;
import io.caravan.processors.extensions.RouteHooks;
import io.caravan.processors.files.DerivedFiles;
import io.caravan.processors.files.FileChanges;
import io.caravan.processors.files.FileSearch;
import io.caravan.processors.files.IdAllocator;
import io.caravan.processors.files.BodyWriter;
import io.caravan.processors.files.Uploads;
import io.caravan.processors.live.LiveRecorder;
import io.caravan.processors.live.LiveStreams;
import io.caravan.processors.kafka.KafkaRecords;
import io.caravan.processors.media.MediaTags;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.netty.CaravanHttpBinding;
import io.caravan.processors.netty.CaravanHttpComponent;
import io.caravan.processors.netty.HalfCloseDecoder;
import io.caravan.processors.netty.StreamingUploadDecoder;
import io.caravan.processors.netty.ZeroCopyEncoder;
import io.caravan.processors.replication.ReplicaVerifier;
import io.caravan.processors.replication.Replicator;
import io.caravan.processors.replication.Scrubber;
import io.caravan.processors.serving.Manifests;
import io.caravan.processors.serving.ServedFiles;
import io.caravan.processors.serving.Serving;
import io.caravan.processors.serving.ServingPolicy;
import io.caravan.processors.serving.UrlSigner;
import io.caravan.processors.serving.HlsServing;
import io.caravan.processors.media.HlsPackager;
import io.caravan.processors.tracker.ClusterStatus;
import io.caravan.processors.tracker.NodeAdmin;
import io.caravan.processors.tracker.NodeIdentities;
import io.caravan.processors.tracker.Placement;
import io.caravan.processors.tracker.Tracker;
import io.caravan.processors.tracker.TrackerSettings;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires Caravan from its settings (read once, {@link Settings}): the catalogue database, the Kafka broker
 * (embedded unless {@code caravan.kafka.bootstrap} names one), the storage nodes and the tracker, the HTTP
 * edge, and the beans the routes call by name, each built complete by its constructor.
 */
@Configuration
public class CaravanConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings s = new Settings(context.getPropertiesComponent());
        Registry r = context.getRegistry();
        Path dataDir = Path.of(s.text("caravan.data.dir")).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        Resources resources = new Resources();
        context.addService(resources, true, true);

        // metrics: one Prometheus registry for Caravan's meters, Camel's route meters and the JVM's (GET /metrics)
        CaravanMetrics metrics = new CaravanMetrics(s.flag("caravan.metrics.enabled"), s.duration("caravan.metrics.sample-interval")).jvm();
        resources.metrics = metrics;
        r.bind("caravanMetrics", metrics);
        r.bind(MicrometerConstants.METRICS_REGISTRY_NAME, metrics.registry()); // micrometer: endpoints of routes
        if (metrics.enabled() && s.flag("caravan.metrics.routes")) {
            MicrometerRoutePolicyFactory routeMeters = new MicrometerRoutePolicyFactory();
            routeMeters.setMeterRegistry(metrics.registry());
            context.addRoutePolicyFactory(routeMeters);
        }

        // the catalogue
        DataSource ds = Database.open(s.optional("caravan.db.url").orElse(h2Url(dataDir)),
                s.text("caravan.db.user"), s.text("caravan.db.password"));
        resources.dataSource = ds;
        Database.migrate(ds);
        Catalogue catalogue = new Catalogue(ds);
        r.bind("dataSource", ds);
        r.bind("catalogue", catalogue);

        // Kafka: an external cluster, or the embedded single-node broker
        String topic = s.text("caravan.kafka.topic");
        String bootstrap = s.optional("caravan.kafka.bootstrap").orElse(null);
        if (bootstrap == null) {
            int port = s.integer("caravan.kafka.embedded.port");
            int controller = s.optional("caravan.kafka.embedded.controller-port").isPresent()
                    ? s.integer("caravan.kafka.embedded.controller-port") : port + 1;
            resources.broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), port, controller);
            resources.broker.start();
            bootstrap = resources.broker.bootstrapServers();
        }
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setBrokers(bootstrap);
        KafkaTopics.ensure(bootstrap, topic, s.integer("caravan.kafka.partitions"),
                (short) s.integer("caravan.kafka.replication-factor"), Duration.ofSeconds(30));
        KafkaTopics.ensure(bootstrap, s.text("caravan.extensions.dead-letter-topic"), 1,
                (short) s.integer("caravan.kafka.replication-factor"), Duration.ofSeconds(30));
        ReplicationLag lag = new ReplicationLag(bootstrap, topic);
        resources.lag = lag;

        // the storage nodes, the tracker and placement
        StorageNodes nodes = StorageNodes.fromConfig(key -> s.optional(key).orElse(null), dataDir);
        resources.nodes = nodes;
        NodeIdentities identities = s.flag("caravan.storage.identity")
                ? new NodeIdentities(catalogue.nodes().clusterId(Instant.now()), catalogue.nodes(), catalogue.replicas()::verifiedOn, Clock.systemUTC())
                : null;
        Tracker tracker = new Tracker(nodes, catalogue.nodes(), trackerSettings(s, nodes),
                node -> lag.lag(nodes.all().stream().map(StorageNode::name).toList()).get(node), Clock.systemUTC(), identities);
        resources.tracker = tracker;
        ReplicatorRoutes replicatorRoutes = new ReplicatorRoutes(nodes, s.integer("caravan.replication.consumers-per-node"));
        context.addStartupListener(replicatorRoutes);
        NodeAdmin nodeAdmin = new NodeAdmin(tracker, catalogue.nodes(), catalogue.replicas(), dataDir, replicatorRoutes);
        nodeAdmin.sync(); // the nodes added at runtime before this start
        tracker.beat();
        Placement placement = new Placement(tracker,
                s.parsed("caravan.placement.group-policy", Placement.Policy::of, "round-robin, most-free or fixed"),
                s.parsed("caravan.placement.node-policy", Placement.Policy::of, "round-robin or most-free"),
                s.optional("caravan.placement.fixed-group").orElse(null));
        r.bind("storageNodes", nodes);
        r.bind("tracker", tracker);
        metrics.cluster(tracker, lag, catalogue);
        r.bind("placement", placement);
        r.bind("nodeAdmin", nodeAdmin);

        // the HTTP edge: upload bodies streamed (not aggregated in memory), files sent zero-copy, requests on
        // Netty's network threads; every route that blocks starts with a threads step onto the "blocking" pool
        if (context.hasComponent("netty-http") == null) {
            context.addComponent("netty-http", new CaravanHttpComponent()); // requests handed to routes by paths split once
        }
        NettyHttpComponent http = context.getComponent("netty-http", NettyHttpComponent.class);
        http.getConfiguration().setDecodersAsList(List.of(new HalfCloseDecoder(),
                new StreamingUploadDecoder(Set.of("/files", "/files/*/derived/*", "/live/*/*"), s.duration("caravan.http.upload-idle-timeout"))));
        http.getConfiguration().setEncodersAsList(List.of(new ZeroCopyEncoder(s.duration("caravan.http.relay-stall-timeout"))));
        http.setNettyHttpBinding(new CaravanHttpBinding(metrics));
        http.getConfiguration().setUsingExecutorService(false);
        int workers = s.integer("caravan.http.worker-threads");
        r.bind("blocking", context.getExecutorServiceManager().newThreadPool(this, "blocking",
                new ThreadPoolProfileBuilder("blocking").poolSize(workers).maxPoolSize(workers).maxQueueSize(-1).build()));
        ApiKeys keys = new ApiKeys(s.text("caravan.api.keys"));
        if (keys.usesDevelopmentKey()) {
            LOG.warn("The development API key '{}' is accepted: set caravan.api.keys before exposing Caravan", ApiKeys.DEVELOPMENT_KEY);
        }
        r.bind("apiKeys", keys);
        r.bind("httpErrors", new HttpErrors());
        r.bind("metricsApi", new MetricsApi(metrics, keys, s.flag("caravan.metrics.api-key")));

        // files: upload, changes, search
        IdAllocator ids = new IdAllocator(catalogue.idBlocks(), "files", s.integer("caravan.id.block-size"));
        Uploads uploads = new Uploads(ids, placement, catalogue.files(), new RouteHooks(context, s.duration("caravan.hooks.timeout"), metrics),
                s.flag("caravan.dedup.enabled"), s.flag("caravan.dedup.instant-upload"));
        DerivedFiles derivedFiles = new DerivedFiles(ids, placement, catalogue.files(), catalogue.derived());
        FileChanges fileChanges = new FileChanges(catalogue.files(), catalogue.meta());
        FileSearch fileSearch = new FileSearch(catalogue.meta());
        ClusterStatus clusterStatus = new ClusterStatus(catalogue, tracker, lag);
        r.bind("uploads", uploads);
        r.bind("derivedFiles", derivedFiles);
        r.bind("uploadApi", new UploadApi(uploads, derivedFiles, metrics));
        r.bind("fileChanges", fileChanges);
        r.bind("fileSearch", fileSearch);
        r.bind("clusterStatus", clusterStatus);
        r.bind("fileApi", new FileApi(fileChanges, fileSearch, clusterStatus));

        // replication, scrub and events
        ReplicaVerifier verifier = new ReplicaVerifier(catalogue.replicas());
        Replicator replicator = new Replicator(catalogue.files(), catalogue.replicas(), tracker, verifier,
                s.integer("caravan.replication.copy-threads"));
        Scrubber scrubber = new Scrubber(catalogue.files(), catalogue.replicas(), tracker, verifier, replicator,
                s.duration("caravan.scrub.orphan-grace"), s.duration("caravan.scrub.settle"), metrics);
        r.bind("replicaVerifier", verifier);
        r.bind("replicator", replicator);
        r.bind("scrubber", scrubber);
        ExtensionFolder extensions = new ExtensionFolder(Path.of(s.text("caravan.extensions.dir")).toAbsolutePath().normalize(),
                Clock.systemUTC());
        context.addStartupListener(extensions); // loads the folder once Caravan's own routes run
        r.bind("extensionFolder", extensions);
        r.bind("clusterApi", new ClusterApi(clusterStatus, scrubber, extensions));
        r.bind("nodeApi", new NodeApi(nodeAdmin));
        r.bind("outboxRelay", new OutboxRelay(catalogue.outbox(), s.integer("caravan.outbox.batch-size"),
                s.duration("caravan.outbox.retention")));
        r.bind("kafkaRecords", new KafkaRecords());
        r.bind("mediaTags", new MediaTags(catalogue.files(), catalogue.meta(), nodes));

        // serving
        UrlSigner signer = new UrlSigner(UrlSigner.secret(s.optional("caravan.http.signing-secret").orElse(null), dataDir),
                s.flag("caravan.http.signed-urls"));
        ServedFiles served = new ServedFiles(catalogue, s.duration("caravan.http.read-cache"), s.integer("caravan.http.read-cache-size"));
        String readMode = s.text("caravan.http.read-mode").trim();
        if (!readMode.equals("proxy") && !readMode.equals("redirect")) {
            throw new IllegalArgumentException("caravan.http.read-mode must be proxy or redirect, not '" + readMode + "'");
        }
        Serving serving = new Serving(served, catalogue.files(), tracker, verifier, signer, s.flag("caravan.http.s3-relay"),
                readMode.equals("redirect"), s.duration("caravan.http.redirect-ttl"));
        Manifests manifests = new Manifests(catalogue.files(), catalogue.manifests(), serving, tracker,
                s.number("caravan.manifest.segment-size"), s.duration("caravan.manifest.source-ttl"));
        r.bind("serving", serving);
        r.bind("manifests", manifests);

        // media work and the beans of extension routes: the events they have handled, ffmpeg, HLS
        r.bind("seenEvents", new SeenEvents(catalogue.seenEvents(), Clock.systemUTC(), s.duration("caravan.extensions.dedup-retention")));
        Ffmpeg ffmpeg = new Ffmpeg(s.text("caravan.media.ffmpeg"), s.text("caravan.media.ffprobe"), s.integer("caravan.media.ffmpeg-threads"),
                s.duration("caravan.media.ffmpeg-timeout"));
        String host = s.text("caravan.http.host");
        String local = "http://" + (host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host) + ":" + s.integer("caravan.http.port");
        Path workDir = s.optional("caravan.media.work-dir").map(Path::of).orElse(dataDir.resolve("media-work"));
        StoredFiles storedFiles = new StoredFiles(serving, local, Clock.systemUTC());
        r.bind("storedFiles", storedFiles);
        r.bind("ffmpeg", new FfmpegSteps(ffmpeg, storedFiles, workDir));
        HlsPackager hlsPackager = new HlsPackager(ffmpeg, derivedFiles, catalogue.files(), catalogue.derived(), catalogue.hls(),
                storedFiles::url, new HlsPackager.HlsSettings(s.flag("caravan.hls.enabled"), s.list("caravan.hls.renditions"), s.integer("caravan.hls.segment-seconds"),
                        s.flag("caravan.hls.audio"), s.integer("caravan.hls.attempts"), s.duration("caravan.hls.retry-delay")),
                workDir, Clock.systemUTC(), metrics);
        r.bind("hlsPackager", hlsPackager);
        r.bind("hlsApi", new HlsApi(hlsPackager));
        HlsServing hlsServing = new HlsServing(catalogue.files(), catalogue.derived(), catalogue.hls(), hlsPackager, signer,
                s.duration("caravan.http.read-cache"));

        // live: ingest from encoders, playback on every gateway, the end, the recording
        LiveStreams live = new LiveStreams(catalogue.live(), new BodyWriter(ids, placement), serving,
                new LiveStreams.LiveSettings(s.optional("caravan.live.group").filter(g -> !g.isBlank()).orElse(null), s.flag("caravan.live.record"),
                        s.duration("caravan.live.idle-timeout"), s.number("caravan.live.max-segment-bytes"), s.integer("caravan.live.max-streams")),
                Clock.systemUTC());
        r.bind("liveStreams", live);
        r.bind("liveApi", new LiveApi(live, keys));
        r.bind("liveRecorder", new LiveRecorder(catalogue.live(), ffmpeg, uploads, storedFiles::url, workDir, Clock.systemUTC()));
        r.bind("streamApi", new StreamApi(serving, manifests, new ServingPolicy(s.text("caravan.http.cors-origins")), hlsServing, live, metrics));
    }

    /**
     * The embedded default catalogue. WRITE_DELAY=0: a commit reaches the file before the client hears 201 (H2
     * waits 500 ms by default); QUERY_CACHE_SIZE: every statement the catalogue runs stays parsed (H2 keeps 8).
     */
    private static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.resolve("db").resolve("caravan") + ";WRITE_DELAY=0;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE";
    }

    private static TrackerSettings trackerSettings(Settings s, StorageNodes nodes) {
        Map<String, Long> nodeReserve = new HashMap<>();
        for (StorageNode n : nodes.all()) {
            String key = "caravan.storage.node." + n.name() + ".reserve-bytes";
            if (s.optional(key).isPresent()) {
                nodeReserve.put(n.name(), s.number(key));
            }
        }
        Duration probeTimeout = s.optional("caravan.tracker.probe-timeout").isPresent()
                ? s.duration("caravan.tracker.probe-timeout") : s.duration("caravan.tracker.heartbeat-interval");
        return new TrackerSettings(s.integer("caravan.tracker.offline-after"), probeTimeout,
                s.number("caravan.storage.reserve-bytes"), nodeReserve);
    }

    /** Closes what the configuration opened, after the routes have stopped. */
    private static final class Resources extends ServiceSupport {
        DataSource dataSource;
        EmbeddedKafkaBroker broker;
        StorageNodes nodes;
        ReplicationLag lag;
        Tracker tracker;
        CaravanMetrics metrics;

        @Override
        protected void doStop() {
            if (metrics != null) {
                metrics.close();
            }
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
