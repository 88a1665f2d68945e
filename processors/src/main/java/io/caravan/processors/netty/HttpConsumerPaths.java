package io.caravan.processors.netty;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consumer that serves a request path, chosen by netty-http's rules from paths split once when a consumer is added.
 *
 * <p>netty-http's multiplex handler ({@code RestConsumerContextPathMatcher.matchBestPath} and its fallback) splits and
 * lower-cases every consumer's path on every request, and builds lists and streams to compare them. With Caravan's ~40
 * routes on one port that was a tenth of a segment GET's CPU. This class gives the same answers in the same order of
 * preference, per method:
 * <ol>
 * <li>a consumer allowing the method whose path equals the request path, ignoring case (for OPTIONS, if none
 *     does, any consumer's);</li>
 * <li>if none of the consumers allowing the method has a {@code {name}} segment, instead the longest whose path equals
 *     the request path, or is its prefix when it matches on URI prefix;</li>
 * <li>if that finds none but a consumer with other methods has the request path: straight to step 5;</li>
 * <li>of those matching segment by segment, the one with the fewest {@code {name}} segments when two or more do (two
 *     with as few: ambiguous, an {@link IllegalStateException}, except for OPTIONS), or the only one; then, over that
 *     answer, the first whose path read as a regular expression ({@code {name}} a segment, {@code *} anything)
 *     matches the request path with a slash added;</li>
 * <li>else the only consumer allowing the method whose path equals the request path, or is its prefix when it
 *     matches on URI prefix.</li>
 * </ol>
 * {@code CaravanHttpDispatcherTest} checks these answers against netty-http's own handler, for Caravan's routes and trickier ones.
 *
 * @param <T> what a consumer is to the caller
 */
public final class HttpConsumerPaths<T> {

    /** One consumer's path, split and lower-cased once. */
    private record Entry<T>(T consumer, int length, String path, String lower, String[] segments, boolean[] names, int nameCount,
                            String restrict, boolean prefix, Pattern pattern) {

        boolean allows(String method) {
            return restrict == null || restrict.contains(method.toLowerCase(Locale.ENGLISH));
        }

        /** The request's segments equal this path's, {@code {name}} segments matching anything when {@code names}. */
        boolean matches(String[] request, boolean withNames) {
            if (request.length != segments.length) {
                return false;
            }
            for (int i = 0; i < request.length; i++) {
                if (!(withNames && names[i]) && !request[i].equalsIgnoreCase(segments[i])) {
                    return false;
                }
            }
            return true;
        }

        /** netty-http's {@code matchPath}: equal, or a prefix when this consumer matches on URI prefix. */
        boolean equalOrPrefix(String request, String requestLower) {
            return (prefix && requestLower.startsWith(lower)) || request.equalsIgnoreCase(path);
        }
    }

    /**
     * Consumers in the order they were added (all, or those allowing one method), also by their number of segments
     * (a request only matches paths of its own length segment by segment) and those read as regular expressions.
     */
    private record Group<T>(List<Entry<T>> entries, List<List<Entry<T>>> bySegments, List<Entry<T>> patterned, boolean noNames) {

        static <T> Group<T> of(List<Entry<T>> entries) {
            List<List<Entry<T>>> by = new ArrayList<>();
            for (Entry<T> e : entries) {
                while (by.size() <= e.segments().length) {
                    by.add(new ArrayList<>());
                }
                by.get(e.segments().length).add(e);
            }
            return new Group<>(entries, by.stream().map(List::copyOf).toList(),
                    entries.stream().filter(e -> e.pattern() != null).toList(),
                    entries.stream().allMatch(e -> e.nameCount() == 0));
        }

        List<Entry<T>> sized(int segments) {
            return segments < bySegments.size() ? bySegments.get(segments) : List.of();
        }
    }

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH");

    private final Group<T> everyone;
    private final ConcurrentHashMap<String, Group<T>> byMethod = new ConcurrentHashMap<>();

    private HttpConsumerPaths(List<Entry<T>> all) {
        this.everyone = Group.of(all);
    }

    /** No consumers. */
    public static <T> HttpConsumerPaths<T> empty() {
        return new HttpConsumerPaths<>(List.of());
    }

    /**
     * These paths and one more, last in order.
     *
     * @param path     the consumer's path, {@code {name}} for a segment that matches any
     * @param restrict the methods it allows, comma-separated, or null for any
     * @param prefix   whether it also serves every path its path is a prefix of
     */
    public HttpConsumerPaths<T> with(T consumer, String path, String restrict, boolean prefix) {
        String p = trimSlashes(path == null ? "" : path);
        String[] segments = p.split("/");
        boolean[] names = new boolean[segments.length];
        int count = 0;
        for (int i = 0; i < segments.length; i++) {
            names[i] = segments[i].startsWith("{") && segments[i].endsWith("}");
            count += names[i] ? 1 : 0;
        }
        List<Entry<T>> next = new ArrayList<>(everyone.entries());
        next.add(new Entry<>(consumer, path == null ? 0 : path.length(), p, p.toLowerCase(Locale.ENGLISH), segments, names, count,
                restrict == null ? null : restrict.toLowerCase(Locale.ENGLISH), prefix, pattern(path)));
        return new HttpConsumerPaths<>(List.copyOf(next));
    }

    /** These paths without the consumers {@code removed} accepts. */
    public HttpConsumerPaths<T> without(Predicate<T> removed) {
        return new HttpConsumerPaths<>(everyone.entries().stream().filter(e -> !removed.test(e.consumer())).toList());
    }

    public int size() {
        return everyone.entries().size();
    }

    /** The consumers, in the order they were added. */
    public List<T> consumers() {
        return everyone.entries().stream().map(Entry::consumer).toList();
    }

    /**
     * The consumer serving {@code method} on {@code path}, or null.
     *
     * @param path the request path: no query, no host, no trailing slash
     */
    public T match(String method, String path) {
        if (method == null) {
            return null;
        }
        String request = trimSlashes(path);
        String lower = request.toLowerCase(Locale.ENGLISH);
        String[] segments = request.split("/");
        Entry<T> best = best(method, path, request, lower, segments);
        if (best != null) {
            return best.consumer();
        }
        Entry<T> fallback = null;
        for (Entry<T> e : everyone.entries()) {
            if (e.equalOrPrefix(request, lower) && e.allows(method)) {
                if (fallback != null) {
                    return null;
                }
                fallback = e;
            }
        }
        return fallback == null ? null : fallback.consumer();
    }

    /** netty-http's {@code matchBestPath}: steps 1 to 3, and a last look for {@code *} paths. */
    private Entry<T> best(String method, String path, String request, String lower, String[] segments) {
        // any token is a method to Netty: only HTTP's own are kept, so requests cannot grow the map
        Group<T> candidates = METHODS.contains(method) ? byMethod.computeIfAbsent(method, this::allowing) : allowing(method);
        boolean options = method.equalsIgnoreCase("OPTIONS");
        int n = segments.length;
        Entry<T> answer = first(candidates.sized(n), segments);
        if (answer == null && options) {
            candidates = everyone;
            answer = first(candidates.sized(n), segments);
        }
        if (candidates.noNames()) {
            answer = null;
            for (Entry<T> e : candidates.entries()) {
                if (e.equalOrPrefix(request, lower) && (answer == null || e.length() > answer.length())) {
                    answer = e;
                }
            }
        }
        if (answer == null && first(everyone.sized(n), segments) != null) {
            return null; // the path is served, with other methods: the caller's fallback decides
        }
        if (answer != null) {
            return answer;
        }
        Entry<T> fewest = null;
        Entry<T> only = null;
        boolean tied = false;
        int matching = 0;
        for (Entry<T> e : candidates.sized(n)) {
            if (!e.matches(segments, true)) {
                continue;
            }
            matching++;
            only = e;
            if (e.nameCount() > 0) {
                if (fewest == null || e.nameCount() < fewest.nameCount()) {
                    fewest = e;
                    tied = false;
                } else if (e.nameCount() == fewest.nameCount()) {
                    tied = true;
                }
            }
        }
        if (matching > 1 && fewest != null) {
            if (tied && !options) {
                throw new IllegalStateException("Ambiguous paths for request path " + path);
            }
            answer = fewest;
        }
        if (answer == null && matching == 1) {
            return only;
        }
        // netty-http's last look: the path with a slash added against each path as a regular expression
        String slashed = path.endsWith("/") ? path : path + "/";
        for (Entry<T> e : candidates.patterned()) {
            if (e.pattern().matcher(slashed).matches()) {
                return e;
            }
        }
        return answer;
    }

    private Group<T> allowing(String method) {
        return Group.of(everyone.entries().stream().filter(e -> e.allows(method)).toList());
    }

    private static <T> Entry<T> first(List<Entry<T>> candidates, String[] segments) {
        for (Entry<T> e : candidates) {
            if (e.matches(segments, false)) {
                return e;
            }
        }
        return null;
    }

    /** Paths of letters, digits, {@code -_.~%/} and {@code {name}} segments: as a regular expression, one of these
     *  matches a path ending in a slash only when it ends in a slash or a dot. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.~%/-]*(\\{[A-Za-z0-9]+}[A-Za-z0-9_.~%/-]*)*");
    private static final Pattern NAME = Pattern.compile("([^{]*)(\\{.*?})([^{]*)");

    /**
     * A path as netty-http's last look reads it ({@code RestConsumerContextPathMatcher.register}): {@code {name}} a
     * segment, {@code *} anything, other characters as written. Null when it cannot match a path ending in a slash.
     */
    private static Pattern pattern(String path) {
        if (path == null || (PLAIN.matcher(path).matches() && !path.endsWith("/") && !path.endsWith("."))) {
            return null;
        }
        Matcher m = NAME.matcher(path);
        StringBuilder named = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(named, m.group(1) + m.group(2).replaceAll("[_-]", "") + m.group(3));
        }
        String p = named.isEmpty() ? path : named.toString();
        return Pattern.compile(p.replace("/", "\\/").replace("-", "\\-").replace("{", "(?<").replace("}", ">[^\\/]+)")
                .replace("*", ".*"));
    }

    private static String trimSlashes(String p) {
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
