package io.caravan.processors.extensions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.StartupListener;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extension folder ({@code caravan.extensions.dir}, bean {@code extensionFolder}): every {@code *.camel.yaml}
 * in it is loaded once Caravan has started, and {@link #scan} (the {@code extension-scan} route) applies what
 * changed since: a new file's routes are added, a changed file's routes replaced, a deleted file's routes
 * stopped and removed. Only the routes a file brought are ever touched; Caravan's own routes are not.
 *
 * <p>A file that does not parse, names a route without an id or with the id of a route it does not own, or
 * whose routes do not start, is refused with one log line; its previous version, if any, keeps running.
 *
 * <p>Not Camel's route reload ({@code camel.main.routes-reload-enabled}): with its default it deletes, at the
 * first reload, every route that has no file (Caravan's replicator routes), and otherwise leaves a deleted
 * file's routes running; and it keeps no earlier version to fall back to.
 */
public class ExtensionFolder implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(ExtensionFolder.class);
    private static final String SUFFIX = ".camel.yaml";
    /** A top-level item of a YAML routes file that is not a route. */
    private static final Pattern NOT_ROUTES = Pattern.compile("(?m)^-\\s+(routeConfiguration|routeTemplate|template)\\s*:");

    private final Path dir;
    private final Clock clock;
    private final Map<String, Loaded> files = new TreeMap<>();
    private volatile CamelContext context;

    /**
     * What the folder knows of a file: the content it last saw (tried once), the content of the version that runs
     * (null when none does), the ids of its running routes, and what the folder reports of it.
     */
    private record Loaded(String seen, String running, List<String> routeIds, Extension report) {
    }

    /** @param dir the folder ({@code caravan.extensions.dir}); created when missing */
    public ExtensionFolder(Path dir, Clock clock) throws IOException {
        this.dir = dir;
        this.clock = clock;
        Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        this.context = context;
        scan();
    }

    /** Every file of the folder as last seen, by name. */
    public synchronized List<Extension> extensions() {
        return files.values().stream().map(Loaded::report).toList();
    }

    /** Applies the files added, changed and removed since the last scan; nothing before Caravan has started. */
    public synchronized void scan() {
        CamelContext c = context;
        if (c == null) {
            return;
        }
        Map<String, String> present = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.filter(f -> f.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(f)).sorted().toList()) {
                try {
                    present.put(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    LOG.debug("extension {} not readable now: {}", p, e.getMessage()); // written right now: next scan
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the extension folder {}: {}", dir, e.getMessage());
            return;
        }
        present.forEach((name, content) -> {
            Loaded before = files.get(name);
            if (before == null || !content.equals(before.seen())) {
                apply(c, name, content, before);
            }
        });
        for (String name : List.copyOf(files.keySet())) {
            Loaded before = files.get(name);
            if (!present.containsKey(name) && before.report().state() != Extension.State.REMOVED) {
                remove(c, before.routeIds());
                files.put(name, new Loaded(null, null, List.of(), new Extension(name, Extension.State.REMOVED, List.of(), List.of(),
                        before.report().loaded(), null)));
                LOG.info("extension {} removed: routes {} stopped", name, before.routeIds());
            }
        }
    }

    private void apply(CamelContext c, String name, String content, Loaded before) {
        List<String> declared;
        try {
            declared = declaredRoutes(c, name, content);
            Set<String> owned = before == null ? Set.of() : new HashSet<>(before.routeIds());
            for (String id : declared) {
                if (c.getRoute(id) != null && !owned.contains(id)) {
                    throw new IllegalArgumentException("route id " + id + " is taken by a route this file does not own");
                }
            }
        } catch (Exception e) {
            refuse(name, content, before, e);
            return;
        }
        List<String> old = before == null ? List.of() : before.routeIds();
        remove(c, old);
        Set<String> existing = routeIds(c);
        try {
            c.addRoutes(builder(c, name, content));
        } catch (Exception e) {
            remove(c, created(c, existing, declared)); // whatever of the new version got in
            Loaded previous = before;
            if (before != null && before.running() != null) {
                List<String> declaredBefore = before.report().routes();
                try {
                    c.addRoutes(builder(c, name, before.running()));
                    previous = new Loaded(before.seen(), before.running(), created(c, existing, declaredBefore), before.report());
                } catch (Exception again) {
                    LOG.warn("extension {}: its previous version did not start again either: {}", name, oneLine(again));
                    remove(c, created(c, existing, declaredBefore));
                    previous = null;
                }
            }
            refuse(name, content, previous, e);
            return;
        }
        List<String> running = declared.stream().filter(id -> c.getRoute(id) != null).toList();
        List<String> disabled = declared.stream().filter(id -> c.getRoute(id) == null).toList();
        files.put(name, new Loaded(content, content, created(c, existing, running),
                new Extension(name, Extension.State.RUNNING, running, disabled, clock.instant(), null)));
        LOG.info("extension {} {}: routes {}{}", name, before == null || before.running() == null ? "loaded" : "reloaded", running,
                disabled.isEmpty() ? "" : ", switched off: " + disabled);
    }

    /** Keeps the running version (if any), records the refusal and logs it in one line. */
    private void refuse(String name, String content, Loaded before, Exception e) {
        String reason = oneLine(e);
        LOG.warn("extension {} refused: {}", dir.resolve(name), reason);
        if (before != null && before.running() != null) {
            Extension r = before.report();
            // the refused content is remembered so the same bad file is not tried again on every scan
            files.put(name, new Loaded(content, before.running(), before.routeIds(),
                    new Extension(name, Extension.State.RUNNING, r.routes(), r.disabledRoutes(), r.loaded(), reason)));
        } else {
            files.put(name, new Loaded(content, null, List.of(), new Extension(name, Extension.State.REFUSED, List.of(), List.of(), null, reason)));
        }
    }

    /**
     * The ids of the routes {@code content} declares, preconditions not yet applied: the file is parsed into
     * route definitions, none added to the context. Every route needs an id.
     */
    private List<String> declaredRoutes(CamelContext c, String name, String content) throws Exception {
        if (!(builder(c, name, content) instanceof RouteBuilder routes)) {
            throw new IllegalArgumentException("not a Camel YAML routes file");
        }
        List<String> ids = new ArrayList<>();
        if (NOT_ROUTES.matcher(content).find()) {
            // neither can be taken out again when the file goes; Caravan's extension-errors is there for every extension
            throw new IllegalArgumentException("an extension file holds routes: route configurations and route templates"
                    + " belong in routes/ (use routeConfigurationId: extension-errors)");
        }
        for (RouteDefinition r : routes.configureRoutes(c).getRoutes()) {
            if (!r.hasCustomIdAssigned() || r.getRouteId() == null || r.getRouteId().isBlank()) {
                throw new IllegalArgumentException("every route needs an id (the route from " + r.getInput().getUri() + " has none)");
            }
            ids.add(r.getRouteId());
        }
        return ids;
    }

    private RoutesBuilder builder(CamelContext c, String name, String content) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + dir.resolve(name), content);
        List<RoutesBuilder> builders = new ArrayList<>(PluginHelper.getRoutesLoader(c).findRoutesBuilders(List.of(resource)));
        if (builders.size() != 1) {
            throw new IllegalArgumentException("not a Camel YAML routes file");
        }
        return builders.get(0);
    }

    private static Set<String> routeIds(CamelContext c) {
        Set<String> ids = new HashSet<>();
        c.getRoutes().forEach(r -> ids.add(r.getRouteId()));
        return ids;
    }

    /**
     * The routes a file brought: those that appeared while it was added and were not there before ({@code existing}),
     * such as the routes of the Kamelets its routes use, first, then {@code declared}; so they are stopped in that
     * order, sources before the routes they feed.
     */
    private static List<String> created(CamelContext c, Set<String> existing, List<String> declared) {
        List<String> ids = new ArrayList<>();
        for (String id : routeIds(c)) {
            if (!existing.contains(id) && !declared.contains(id)) {
                ids.add(id);
            }
        }
        ids.addAll(declared);
        return ids;
    }

    private static void remove(CamelContext c, List<String> routeIds) {
        for (String id : routeIds) {
            try {
                if (c.getRoute(id) != null) {
                    c.getRouteController().stopRoute(id);
                    c.removeRoute(id);
                }
            } catch (Exception e) {
                LOG.warn("cannot remove route {}: {}", id, oneLine(e));
            }
        }
    }

    /** The innermost message of {@code e} (YAML errors name the line), on one line. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t != e && e.getMessage() != null && !e.getMessage().contains(m)) {
            m = e.getMessage() + ": " + m;
        }
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 500 ? m.substring(0, 500) + "…" : m;
    }
}
