package io.caravan.connectors.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How many events each node's replicator is behind: the topic's end offsets minus the offsets the
 * node's consumer group ({@code caravan-replica-<node>}) committed; and how many seconds, from the end offsets
 * seen at each reading ({@link OffsetTimeline}). Cached for a second.
 */
public class ReplicationLag implements AutoCloseable {

    private final String bootstrap;
    private final String topic;
    private Admin admin;
    private long takenAt;
    private Map<String, Long> cached = Map.of();
    private Map<String, Double> cachedSeconds = Map.of();
    private final OffsetTimeline timeline = new OffsetTimeline(Duration.ofHours(1));

    public ReplicationLag(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    /** The consumer group of {@code node}'s replicator. */
    public static String groupOf(String node) {
        return "caravan-replica-" + node;
    }

    /** Events behind per node; a node whose lag cannot be read right now maps to {@code null}. */
    public synchronized Map<String, Long> lag(List<String> nodes) {
        refresh(nodes);
        return cached;
    }

    /**
     * Seconds behind per node: the age of the oldest event a node has not applied yet (0 when it has them all);
     * {@code null} when unknown. Measured from the first reading after a start at the earliest.
     */
    public synchronized Map<String, Double> lagSeconds(List<String> nodes) {
        refresh(nodes);
        return cachedSeconds;
    }

    private void refresh(List<String> nodes) {
        if (System.currentTimeMillis() - takenAt < 1000 && cached.keySet().containsAll(nodes)) {
            return;
        }
        Map<String, Long> out = new HashMap<>();
        Map<String, Double> seconds = new HashMap<>();
        long now = System.currentTimeMillis();
        try {
            Admin a = admin();
            List<TopicPartition> parts = a.describeTopics(List.of(topic)).allTopicNames().get(2, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                    a.listOffsets(latest).all().get(2, TimeUnit.SECONDS);
            end.forEach((tp, info) -> timeline.record(tp.partition(), info.offset(), now));
            for (String node : nodes) {
                Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(groupOf(node))
                        .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
                long behind = 0;
                double secondsBehind = 0;
                for (TopicPartition tp : parts) {
                    OffsetAndMetadata c = committed.get(tp);
                    long next = c == null ? 0 : c.offset();
                    behind += Math.max(0, end.get(tp).offset() - next);
                    secondsBehind = Math.max(secondsBehind, timeline.secondsBehind(tp.partition(), next, now));
                }
                out.put(node, behind);
                seconds.put(node, secondsBehind);
            }
        } catch (Exception e) {
            nodes.forEach(n -> out.put(n, null));
            nodes.forEach(n -> seconds.put(n, null));
        }
        cached = out;
        cachedSeconds = seconds;
        takenAt = System.currentTimeMillis();
    }

    private Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
            admin = Admin.create(p);
        }
        return admin;
    }

    /** {@code true} when the broker answers within two seconds. */
    public synchronized boolean brokerReachable() {
        try {
            admin().describeCluster().clusterId().get(2, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
