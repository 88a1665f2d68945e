package io.caravan.processors.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.caravan.connectors.catalogue.Catalogue;
import io.caravan.connectors.catalogue.LiveStore;
import io.caravan.connectors.kafka.ReplicationLag;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.processors.tracker.NodeState;
import io.caravan.processors.tracker.NodeStatus;
import io.caravan.processors.tracker.Tracker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Caravan's meters (bean {@code caravanMetrics}) in one Prometheus registry, scraped by {@code GET /metrics}: the
 * nodes (state, free bytes, replication lag in events and seconds), the outbox, uploads, GETs by node and transport,
 * HTTP requests by route and status, scrub results, hook rejections, live streams, HLS packaging, the JVM.
 * Everything is named {@code caravan_…} except the JVM's and Camel's own route meters.
 */
public class CaravanMetrics implements AutoCloseable {

    /** The Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * How a GET's bytes leave: sendfile from a local disk, relayed from an S3 node's URL, streamed through the JVM,
     * or not through the gateway at all (a 307 to the S3 node, counted with 0 bytes).
     */
    public enum Transport { SENDFILE, RELAY, STREAM, REDIRECT;
        String label() {
            return name().toLowerCase();
        }
    }

    /** The latency buckets of {@code caravan_http_requests_seconds}, a handful so every route and status stays cheap. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final PrometheusMeterRegistry registry;
    private final MetricsHistory history;
    private final boolean enabled;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final Map<String, List<Meter>> nodeMeters = new HashMap<>();
    /**
     * The meters on a request's path, found once by their tags: building a meter's id per request costs more than
     * counting. {@code [0: GETs, 1: bytes]}.
     */
    private final Map<Served, Counter[]> servedMeters = new ConcurrentHashMap<>();
    /** By group: {@code [0: uploads, 1: bytes]}. */
    private final Map<String, Counter[]> uploadMeters = new ConcurrentHashMap<>();
    private final Map<Answered, Timer> requestTimers = new ConcurrentHashMap<>();
    private Tracker tracker;
    private ReplicationLag lag;

    /** The tags of a GET's meters. */
    private record Served(String node, Transport transport) {
    }

    /** The tags of a request's timer. */
    private record Answered(String route, int status) {
    }

    /** @param enabled {@code caravan.metrics.enabled}: when off nothing is counted and the scrape is empty */
    public CaravanMetrics(boolean enabled) {
        this(enabled, Duration.ofSeconds(5));
    }

    /** @param sampleInterval how often {@link #sample} is called ({@code caravan.metrics.sample-interval}): 10 minutes of samples are kept */
    public CaravanMetrics(boolean enabled, Duration sampleInterval) {
        this.enabled = enabled;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.history = new MetricsHistory((int) (Duration.ofMinutes(10).toMillis() / Math.max(1, sampleInterval.toMillis())));
    }

    /** Takes one sample for the status page's charts (route {@code metrics-sample}). */
    public void sample() {
        if (!enabled) {
            return;
        }
        double uploads = registry.find("caravan.uploads").counters().stream().mapToDouble(Counter::count).sum();
        double gets = registry.find("caravan.gets").counters().stream().mapToDouble(Counter::count).sum();
        history.add(System.currentTimeMillis(), uploads, gets, tracker == null ? Map.of() : lag.lag(names()));
    }

    /** The last 10 minutes of samples as columns ({@link MetricsHistory#columns}). */
    public Map<String, Object> recent() {
        return history.columns();
    }

    /** The registry, for Camel's route meters (camel-micrometer) and for extensions. */
    public MeterRegistry registry() {
        return registry;
    }

    public boolean enabled() {
        return enabled;
    }

    /** The JVM and process meters: memory, GC, threads, classes, CPU, open files, uptime. */
    public CaravanMetrics jvm() {
        if (!enabled) {
            return this;
        }
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return this;
    }

    /** The cluster's gauges: every node's state, free bytes and lag (nodes added later appear at the next scrape), the outbox, live streams. */
    public CaravanMetrics cluster(Tracker tracker, ReplicationLag lag, Catalogue catalogue) {
        this.tracker = tracker;
        this.lag = lag;
        if (!enabled) {
            return this;
        }
        Gauge.builder("caravan.outbox.unpublished.events", catalogue.outbox(), o -> o.unsent())
                .description("events written to the outbox and not yet acknowledged by Kafka").register(registry);
        Gauge.builder("caravan.live.streams", catalogue.live(), l -> l.count(LiveStore.LIVE))
                .description("live streams being pushed now").register(registry);
        bindNodes();
        return this;
    }

    /** Registers the meters of nodes that are new since the last call and removes those of nodes that are gone. */
    private synchronized void bindNodes() {
        if (tracker == null) {
            return;
        }
        List<StorageNode> nodes = tracker.nodes().all();
        List<String> names = nodes.stream().map(StorageNode::name).toList();
        for (String gone : new ArrayList<>(nodeMeters.keySet())) {
            if (!names.contains(gone)) {
                nodeMeters.remove(gone).forEach(registry::remove);
            }
        }
        for (StorageNode n : nodes) {
            if (nodeMeters.containsKey(n.name())) {
                continue;
            }
            String node = n.name();
            List<Meter> meters = new ArrayList<>();
            for (NodeState state : NodeState.values()) {
                meters.add(Gauge.builder("caravan.node.state", () -> tracker.state(node) == state ? 1 : 0)
                        .description("1 for the node's current state, 0 for the others")
                        .tags("node", node, "group", n.group(), "state", state.name()).register(registry));
            }
            meters.add(Gauge.builder("caravan.node.free", () -> free(tracker.status(node)))
                    .baseUnit("bytes").description("free bytes on the node (NaN when unknown)")
                    .tags("node", node, "group", n.group(), "kind", n.kind()).register(registry));
            meters.add(Gauge.builder("caravan.replication.lag.events", () -> number(() -> lag.lag(names()).get(node)))
                    .description("events of caravan.files the node's replicator has not applied yet")
                    .tags("node", node, "group", n.group()).register(registry));
            meters.add(Gauge.builder("caravan.replication.lag", () -> number(() -> lag.lagSeconds(names()).get(node)))
                    .baseUnit("seconds").description("age of the oldest event the node's replicator has not applied yet")
                    .tags("node", node, "group", n.group()).register(registry));
            nodeMeters.put(node, meters);
        }
    }

    private List<String> names() {
        return tracker.nodes().all().stream().map(StorageNode::name).toList();
    }

    private static double free(NodeStatus s) {
        return s == null || s.freeBytes() < 0 || s.freeBytes() == Long.MAX_VALUE ? Double.NaN : s.freeBytes();
    }

    private static double number(Supplier<? extends Number> value) {
        Number n = value.get();
        return n == null ? Double.NaN : n.doubleValue();
    }

    /** The registry in the Prometheus text format; empty when metrics are off. */
    public String scrape() {
        if (!enabled) {
            return "";
        }
        bindNodes();
        return registry.scrape();
    }

    /** An acknowledged upload of {@code bytes} into {@code group}. */
    public void uploaded(String group, long bytes) {
        if (enabled) {
            Counter[] c = uploadMeters.computeIfAbsent(group, g -> new Counter[] {
                Counter.builder("caravan.uploads").description("acknowledged uploads").tag("group", g).register(registry),
                Counter.builder("caravan.upload.bytes").description("bytes of acknowledged uploads").tag("group", g).register(registry)});
            c[0].increment();
            c[1].increment(bytes);
        }
    }

    /** A GET (or range) answered with {@code bytes} of a copy on {@code node}, sent by {@code transport}. */
    public void served(String node, Transport transport, long bytes) {
        if (enabled) {
            Counter[] c = servedMeters.computeIfAbsent(new Served(node, transport), k -> new Counter[] {
                Counter.builder("caravan.gets").description("GETs answered with bytes of a stored copy")
                        .tags("node", node, "transport", transport.label()).register(registry),
                Counter.builder("caravan.get.bytes").description("bytes of stored copies sent to players")
                        .tags("node", node, "transport", transport.label()).register(registry)});
            c[0].increment();
            c[1].increment(bytes);
        }
    }

    /** An HTTP request of route {@code route} answered with {@code status} after {@code nanos}. */
    public void request(String route, int status, long nanos) {
        if (enabled) {
            Timer t = requestTimers.computeIfAbsent(new Answered(route == null ? "none" : route, status),
                    k -> Timer.builder("caravan.http.requests")
                            .description("HTTP requests by route and status, until the response head")
                            .tags("route", k.route(), "status", Integer.toString(k.status()))
                            .serviceLevelObjectives(LATENCY_BUCKETS).register(registry));
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The counts of one scrub. */
    public void scrubbed(long checked, long missing, long corrupt, long repaired, long failed, long orphansRemoved) {
        if (enabled) {
            Counter.builder("caravan.scrub.runs").description("scrubs run").register(registry).increment();
            count("caravan.scrub.checked", "copies checked by scrub", checked);
            count("caravan.scrub.missing", "copies scrub found missing", missing);
            count("caravan.scrub.corrupt", "copies scrub found corrupt", corrupt);
            count("caravan.scrub.repaired", "copies scrub repaired", repaired);
            count("caravan.scrub.failed", "repairs scrub could not make", failed);
            count("caravan.scrub.orphans", "orphan blobs scrub removed", orphansRemoved);
        }
    }

    private void count(String name, String description, long n) {
        Counter.builder(name).description(description).register(registry).increment(n);
    }

    /** An upload refused by the {@code before-upload} hook {@code hook}. */
    public void hookRejected(String hook) {
        if (enabled) {
            Counter.builder("caravan.hook.rejections").description("uploads refused by a before-upload hook")
                    .tag("hook", hook).register(registry).increment();
        }
    }

    /** An HLS packaging finished with {@code result} (ready or failed) after {@code nanos}. */
    public void hlsPackaged(String result, long nanos) {
        if (enabled) {
            Timer.builder("caravan.hls.packaging").description("HLS packagings by result, with their durations")
                    .tag("result", result).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        for (AutoCloseable c : binders) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing
            }
        }
        registry.close();
    }
}
