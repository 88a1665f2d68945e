package io.caravan.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line must be a HELP, a TYPE, a
 * comment or a sample; a family's TYPE comes once and before its samples, and its samples are together; no series
 * twice; histograms have ascending cumulative buckets ending at {@code +Inf} equal to their {@code _count}.
 * Anything else throws.
 */
final class PrometheusText {

    /** One sample: its metric name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    final List<Sample> samples = new ArrayList<>();
    final Map<String, String> types = new HashMap<>();

    private PrometheusText() {
    }

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        Set<String> seenSeries = new HashSet<>();
        Set<String> closedFamilies = new HashSet<>();
        String family = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            try {
                if (line.startsWith("# TYPE ") || line.startsWith("# HELP ")) {
                    String[] parts = line.split(" ", 4);
                    require(parts.length >= 3 && NAME.matcher(parts[2]).matches(), "a metric name");
                    if (line.startsWith("# TYPE ")) {
                        require(parts.length == 4 && TYPES.contains(parts[3]), "a known type");
                        require(p.types.put(parts[2], parts[3]) == null, "one TYPE per family");
                        require(!closedFamilies.contains(parts[2]) && !parts[2].equals(family), "TYPE before the family's samples");
                    }
                    continue;
                }
                if (line.startsWith("#")) {
                    continue;
                }
                Sample s = sample(line);
                String f = familyOf(s.name(), p.types);
                if (!f.equals(family)) {
                    require(!closedFamilies.contains(f), "the samples of " + f + " together");
                    if (family != null) {
                        closedFamilies.add(family);
                    }
                    family = f;
                }
                require(seenSeries.add(s.name() + new TreeMap<>(s.labels())), "no series twice");
                p.samples.add(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + n + " (" + line + "): " + e.getMessage(), e);
            }
        }
        p.checkHistograms();
        return p;
    }

    private static String familyOf(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_count", "_sum", "_created", "_total")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return name;
    }

    private static Sample sample(String line) {
        Matcher m = NAME.matcher(line);
        require(m.lookingAt(), "a metric name");
        String name = m.group();
        int i = m.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                Matcher ln = LABEL_NAME.matcher(line).region(i, line.length());
                require(ln.lookingAt(), "a label name");
                String label = ln.group();
                i = ln.end();
                require(line.startsWith("=\"", i), "=\" after a label name");
                i += 2;
                StringBuilder value = new StringBuilder();
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\') {
                        char e = line.charAt(i++);
                        require(e == '\\' || e == '"' || e == 'n', "a known escape");
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                i++;
                require(labels.put(label, value.toString()) == null, "no label twice");
                if (line.charAt(i) == ',') {
                    i++;
                } else {
                    require(line.charAt(i) == '}', ", or } after a label");
                }
            }
            i++;
        }
        require(i < line.length() && line.charAt(i) == ' ', "a space before the value");
        String[] rest = line.substring(i + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, "a value and an optional timestamp");
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private static double value(String text) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                require(text.matches("[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?"), "a number");
                yield Double.parseDouble(text);
            }
        };
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, List<Sample>> buckets = new HashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(family + "_bucket")) {
                    Map<String, String> series = new TreeMap<>(s.labels());
                    require(series.remove("le") != null, "an le label on " + s.name());
                    buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
                }
            }
            buckets.forEach((series, list) -> {
                double last = Double.NEGATIVE_INFINITY;
                double count = -1;
                for (Sample b : list) {
                    double le = value(b.labels().get("le"));
                    require(le > last, "ascending buckets of " + family);
                    require(b.value() >= count, "cumulative buckets of " + family);
                    last = le;
                    count = b.value();
                }
                require(last == Double.POSITIVE_INFINITY, "a +Inf bucket of " + family);
                require(count == value(family + "_count", series), "+Inf bucket equal to the _count of " + family);
            });
        });
    }

    /** The value of the one sample {@code name} whose labels include {@code labels}; throws unless exactly one. */
    double value(String name, Map<String, String> labels) {
        List<Sample> hits = samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> Objects.equals(s.labels().get(e.getKey()), e.getValue()))).toList();
        require(hits.size() == 1, hits.size() + " samples of " + name + labels);
        return hits.get(0).value();
    }

    /** The sum of every sample {@code name} whose labels include {@code labels} (0 when none). */
    double sum(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name)
                && labels.entrySet().stream().allMatch(e -> Objects.equals(s.labels().get(e.getKey()), e.getValue())))
                .mapToDouble(Sample::value).sum();
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException("expected " + what);
        }
    }
}
