import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Live latency on the same clock for several servers: each named playlist URL is polled every 50 ms for
 * {@code seconds}; a segment's latency is the moment it was first listed minus the moment its media started at
 * the encoder (the wall-clock instant {@code t0} the encoders were started, with {@code -re}, plus the sum of the
 * durations of the segments before it). With {@code players} > 0, that many players also poll the first URL's
 * playlist (every half target duration) and fetch each new segment, counting errors and stalls (a wait for the
 * next segment longer than two target durations, that is one segment more than the live pace).
 *
 * <p>{@code java bench/LiveLatency.java <t0 epoch ms> <seconds> <players> <name>=<url> ...} prints one line per
 * URL, {@code <name> <p50 ms> <p99 ms> <segments>}, then {@code players <requests> <errors> <stalls> <max gap ms>}.
 */
public class LiveLatency {

    public static void main(String[] args) throws Exception {
        long t0 = Long.parseLong(args[0]);
        if (System.currentTimeMillis() > t0) {
            // a poller that starts after the encoders would see the first segments late, not the servers
            System.err.println("LiveLatency: started " + (System.currentTimeMillis() - t0) + " ms after t0: give it more time");
            System.exit(2);
        }
        long end = t0 + Long.parseLong(args[1]) * 1000;
        int players = Integer.parseInt(args[2]);
        Map<String, String> urls = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            urls.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (Map.Entry<String, String> u : urls.entrySet()) {
            List<Long> out = Collections.synchronizedList(new ArrayList<>());
            latencies.put(u.getKey(), out);
            threads.add(started(() -> poll(http, u.getValue(), t0, end, out)));
        }
        AtomicLong requests = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong stalls = new AtomicLong();
        AtomicLong maxGap = new AtomicLong();
        String first = urls.values().iterator().next();
        for (int p = 0; p < players; p++) {
            threads.add(started(() -> play(http, first, end, requests, errors, stalls, maxGap)));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (String name : urls.keySet()) {
            List<Long> l = new ArrayList<>(latencies.get(name));
            Collections.sort(l);
            System.out.printf(Locale.ROOT, "%s %s %s %d%n", name, pct(l, 50), pct(l, 99), l.size());
        }
        System.out.printf(Locale.ROOT, "players %d %d %d %d%n", requests.get(), errors.get(), stalls.get(), maxGap.get());
    }

    private static String pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return "n/a";
        }
        return String.valueOf(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
    }

    /** A playlist's segments: media sequence number to (uri, duration ms). */
    record Seg(long msn, String uri, long durationMs) {
    }

    static List<Seg> parse(String text) {
        List<Seg> out = new ArrayList<>();
        long seq = 0;
        long dur = -1;
        int n = 0;
        for (String line : text.split("\n")) {
            line = line.strip();
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                seq = Long.parseLong(line.substring(22).strip());
            } else if (line.startsWith("#EXTINF:")) {
                String v = line.substring(8);
                int comma = v.indexOf(',');
                dur = Math.round(Double.parseDouble(comma < 0 ? v : v.substring(0, comma)) * 1000);
            } else if (!line.isEmpty() && !line.startsWith("#") && dur >= 0) {
                out.add(new Seg(seq + n++, line, dur));
                dur = -1;
            }
        }
        return out;
    }

    static long targetMs(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#EXT-X-TARGETDURATION:")) {
                return Long.parseLong(line.substring(22).strip()) * 1000;
            }
        }
        return 2000;
    }

    private static void poll(HttpClient http, String url, long t0, long end, List<Long> out) {
        Map<Long, Long> durations = new ConcurrentHashMap<>();
        Map<Long, Long> seen = new LinkedHashMap<>();
        long target = 2000;
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                long now = System.currentTimeMillis();
                if (r.statusCode() == 200) {
                    target = targetMs(r.body());
                    for (Seg s : parse(r.body())) {
                        durations.put(s.msn(), s.durationMs());
                        if (!seen.containsKey(s.msn())) {
                            seen.put(s.msn(), now);
                            long offset = 0;
                            for (long k = 0; k < s.msn(); k++) {
                                offset += durations.getOrDefault(k, target);
                            }
                            out.add(now - (t0 + offset));
                            if (System.getenv("LIVE_DEBUG") != null) {
                                System.err.println(url + " " + s.msn() + " " + s.uri() + " " + (now - (t0 + offset)) + " ms");
                            }
                        }
                    }
                }
                Thread.sleep(50);
            } catch (Exception e) {
                sleep(50);
            }
        }
    }

    private static void play(HttpClient http, String playlist, long end, AtomicLong requests, AtomicLong errors, AtomicLong stalls,
                             AtomicLong maxGap) {
        String base = playlist.substring(0, playlist.lastIndexOf('/') + 1);
        long last = -1;
        long lastNew = -1;
        long target = 2000;
        while (System.currentTimeMillis() < end) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(playlist)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                requests.incrementAndGet();
                if (r.statusCode() != 200) {
                    if (lastNew >= 0) {
                        errors.incrementAndGet(); // before the first segment, a 404 is a stream not started yet
                    }
                } else {
                    target = targetMs(r.body());
                    for (Seg s : parse(r.body())) {
                        if (s.msn() <= last) {
                            continue;
                        }
                        HttpResponse<byte[]> seg = http.send(HttpRequest.newBuilder(URI.create(base + s.uri())).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        requests.incrementAndGet();
                        if (seg.statusCode() != 200 || seg.body().length == 0) {
                            errors.incrementAndGet();
                        }
                        long now = System.currentTimeMillis();
                        if (lastNew >= 0) {
                            long gap = now - lastNew;
                            maxGap.accumulateAndGet(gap, Math::max);
                            if (gap > 2 * target) {
                                stalls.incrementAndGet();
                            }
                        }
                        lastNew = now;
                        last = s.msn();
                    }
                    if (r.body().contains("#EXT-X-ENDLIST")) {
                        return;
                    }
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
            sleep(target / 2);
        }
    }

    private static Thread started(Runnable r) {
        Thread t = new Thread(r);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
