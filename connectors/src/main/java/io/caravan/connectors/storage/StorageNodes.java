package io.caravan.connectors.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every storage node of the cluster, by name and by group. Built from configuration, and changed at
 * runtime when an operator adds or removes a node. Thread safe; listings are snapshots.
 *
 * <pre>
 * caravan.storage.nodes = g1-a, g1-b, g2-a, g2-b
 * caravan.storage.node.&lt;name&gt;.group      (default: the name up to its last dash)
 * caravan.storage.node.&lt;name&gt;.kind       disk | s3 (default disk)
 * caravan.storage.node.&lt;name&gt;.path       disk: directory (default &lt;data dir&gt;/nodes/&lt;name&gt;)
 * caravan.storage.node.&lt;name&gt;.endpoint   s3: http://host:port
 * caravan.storage.node.&lt;name&gt;.bucket     s3: bucket (default caravan-&lt;name&gt;)
 * caravan.storage.node.&lt;name&gt;.access-key / .secret-key
 * caravan.storage.node.&lt;name&gt;.reserve-bytes  free space under which the node takes no uploads (read by the tracker)
 * </pre>
 */
public class StorageNodes implements AutoCloseable {

    /** The per-node settings, as keys under {@code caravan.storage.node.<name>.}. */
    public static final List<String> SETTINGS =
            List.of("group", "kind", "path", "endpoint", "bucket", "access-key", "secret-key", "reserve-bytes");

    private final Map<String, StorageNode> byName = new LinkedHashMap<>();

    public StorageNodes(Collection<StorageNode> nodes) {
        nodes.forEach(this::add);
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("no storage nodes configured (caravan.storage.nodes)");
        }
    }

    /**
     * @param property looks a configuration key up; returns {@code null} when unset
     * @param dataDir  the data directory disk nodes default to
     */
    public static StorageNodes fromConfig(Function<String, String> property, Path dataDir) throws IOException {
        String list = property.apply("caravan.storage.nodes");
        List<StorageNode> nodes = new ArrayList<>();
        for (String raw : (list == null ? "" : list).split(",")) {
            String name = raw.trim();
            if (!name.isEmpty()) {
                nodes.add(create(name, key -> property.apply("caravan.storage.node." + name + "." + key), dataDir));
            }
        }
        return new StorageNodes(nodes);
    }

    /**
     * A node from its settings ({@link #SETTINGS}; {@code setting} returns {@code null} when unset).
     *
     * @throws IllegalArgumentException when the name or a setting is invalid
     */
    public static StorageNode create(String name, Function<String, String> setting, Path dataDir) {
        if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("invalid storage node name: " + name);
        }
        Function<String, String> p = key -> {
            String v = setting.apply(key);
            return v == null || v.isBlank() ? null : v.trim();
        };
        int dash = name.lastIndexOf('-');
        String group = Optional.ofNullable(p.apply("group")).orElse(dash > 0 ? name.substring(0, dash) : name);
        if (!group.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("invalid group name: " + group);
        }
        String kind = Optional.ofNullable(p.apply("kind")).orElse("disk");
        switch (kind) {
            case "disk":
                return new DiskStorageNode(name, group,
                        Optional.ofNullable(p.apply("path")).map(Path::of).orElse(dataDir.resolve("nodes").resolve(name)));
            case "s3":
                String endpoint = p.apply("endpoint");
                if (endpoint == null || !endpoint.matches("https?://.+")) {
                    throw new IllegalArgumentException("storage node " + name + ": kind s3 needs an http(s) endpoint");
                }
                if (p.apply("access-key") == null || p.apply("secret-key") == null) {
                    throw new IllegalArgumentException("storage node " + name + ": kind s3 needs an access-key and a secret-key");
                }
                return new S3StorageNode(name, group, endpoint,
                        Optional.ofNullable(p.apply("bucket")).orElse("caravan-" + name.toLowerCase()),
                        p.apply("access-key"), p.apply("secret-key"));
            default:
                throw new IllegalArgumentException("storage node " + name + ": unknown kind " + kind + " (disk, s3)");
        }
    }

    /** Adds a node; refuses a name already in use. */
    public synchronized void add(StorageNode node) {
        if (byName.containsKey(node.name())) {
            throw new IllegalArgumentException("duplicate storage node name: " + node.name());
        }
        byName.put(node.name(), node);
    }

    /** Removes and closes a node; {@code false} when there was none by that name. */
    public boolean remove(String name) {
        StorageNode n;
        synchronized (this) {
            n = byName.remove(name);
        }
        if (n != null) {
            n.close();
        }
        return n != null;
    }

    public synchronized Optional<StorageNode> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public synchronized List<StorageNode> all() {
        return List.copyOf(byName.values());
    }

    /** Group names in the order their first node was added. */
    public synchronized List<String> groups() {
        LinkedHashSet<String> g = new LinkedHashSet<>();
        byName.values().forEach(n -> g.add(n.group()));
        return List.copyOf(g);
    }

    /** The nodes of {@code group}, in the order they were added (empty when there is no such group). */
    public synchronized List<StorageNode> group(String group) {
        return byName.values().stream().filter(n -> n.group().equals(group)).toList();
    }

    @Override
    public void close() {
        all().forEach(StorageNode::close);
    }
}
