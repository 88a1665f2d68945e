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
 * node's consumer group ({@code caravan-replica-<node>}) committed. Cached for a second.
 */
public class ReplicationLag implements AutoCloseable {

    private final String bootstrap;
    private final String topic;
    private Admin admin;
    private long takenAt;
    private Map<String, Long> cached = Map.of();

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
        if (System.currentTimeMillis() - takenAt < 1000 && cached.keySet().containsAll(nodes)) {
            return cached;
        }
        Map<String, Long> out = new HashMap<>();
        try {
            Admin a = admin();
            List<TopicPartition> parts = a.describeTopics(List.of(topic)).allTopicNames().get(2, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end =
                    a.listOffsets(latest).all().get(2, TimeUnit.SECONDS);
            for (String node : nodes) {
                Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(groupOf(node))
                        .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
                long behind = 0;
                for (TopicPartition tp : parts) {
                    OffsetAndMetadata c = committed.get(tp);
                    behind += Math.max(0, end.get(tp).offset() - (c == null ? 0 : c.offset()));
                }
                out.put(node, behind);
            }
        } catch (Exception e) {
            nodes.forEach(n -> out.put(n, null));
        }
        cached = out;
        takenAt = System.currentTimeMillis();
        return out;
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
