import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Replication lag from Caravan's own event stream: for every file stored after a given instant, the
 * time from its {@code caravan.file.stored} event to each {@code caravan.replica.synced} event (the
 * CloudEvents {@code time} of both), and how much of that the outbox relay took (the stored event's
 * Kafka timestamp minus its {@code time}). Prints {@code <p50 ms> <p99 ms> <copies> <relay p50 ms>
 * <relay p99 ms>}.
 *
 * <p>Run with the Kafka client on the class path: {@code java -cp <cp> bench/LagReport.java
 * <bootstrap> <topic> <since epoch ms>}.
 */
public class LagReport {

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TIME = Pattern.compile("\"time\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) {
        String bootstrap = args[0];
        String topic = args[1];
        Instant since = Instant.ofEpochMilli(Long.parseLong(args[2]));
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "bench-lag-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        Map<String, Instant> stored = new HashMap<>();
        List<Long> lags = new ArrayList<>();
        List<Long> relay = new ArrayList<>();
        TreeMap<Long, Integer> slow = new TreeMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < Duration.ofSeconds(3).toNanos()) {
                var records = c.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                for (ConsumerRecord<String, String> r : records) {
                    String type = find(TYPE, r.value());
                    String time = find(TIME, r.value());
                    if (type == null || time == null) {
                        continue;
                    }
                    Instant t = Instant.parse(time);
                    if (type.equals("caravan.file.stored") && !t.isBefore(since)) {
                        stored.put(r.key(), t);
                        relay.add(r.timestamp() - t.toEpochMilli());
                    } else if (type.equals("caravan.replica.synced") && stored.containsKey(r.key())) {
                        long ms = Duration.between(stored.get(r.key()), t).toMillis();
                        lags.add(ms);
                        if (ms > 500) { // where the tail is: by 10 s window since the start of the rounds
                            slow.merge(Duration.between(since, stored.get(r.key())).toSeconds() / 10 * 10, 1, Integer::sum);
                        }
                    }
                }
            }
        }
        lags.sort(null);
        System.err.println("lag: copies slower than 500 ms by 10 s window (seconds since the rounds began=copies): " + slow);
        relay.sort(null);
        System.out.println(lags.isEmpty() ? "0 0 0 0 0"
                : percentile(lags, 50) + " " + percentile(lags, 99) + " " + lags.size() + " "
                        + percentile(relay, 50) + " " + percentile(relay, 99));
    }

    private static long percentile(List<Long> sorted, int pct) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(pct / 100.0 * sorted.size()) - 1));
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s == null ? "" : s);
        return m.find() ? m.group(1) : null;
    }
}
