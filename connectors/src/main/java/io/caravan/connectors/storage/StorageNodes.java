package io.caravan.connectors.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every storage node of the cluster, by name and by group, built from configuration:
 *
 * <pre>
 * caravan.storage.nodes = g1-a, g1-b, g2-a, g2-b
 * caravan.storage.node.&lt;name&gt;.group      (default: the name up to its last dash)
 * caravan.storage.node.&lt;name&gt;.kind       disk | s3 (default disk)
 * caravan.storage.node.&lt;name&gt;.path       disk: directory (default &lt;data dir&gt;/nodes/&lt;name&gt;)
 * caravan.storage.node.&lt;name&gt;.endpoint   s3: http://host:port
 * caravan.storage.node.&lt;name&gt;.bucket     s3: bucket (default caravan-&lt;name&gt;)
 * caravan.storage.node.&lt;name&gt;.access-key / .secret-key
 * </pre>
 */
public class StorageNodes implements AutoCloseable {

    private final Map<String, StorageNode> byName = new LinkedHashMap<>();
    private final Map<String, List<StorageNode>> byGroup = new LinkedHashMap<>();

    public StorageNodes(Collection<StorageNode> nodes) {
        for (StorageNode n : nodes) {
            if (byName.putIfAbsent(n.name(), n) != null) {
                throw new IllegalArgumentException("duplicate storage node name: " + n.name());
            }
            byGroup.computeIfAbsent(n.group(), g -> new ArrayList<>()).add(n);
        }
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
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("invalid storage node name: " + name);
            }
            Function<String, String> p = key -> {
                String v = property.apply("caravan.storage.node." + name + "." + key);
                return v == null || v.isBlank() ? null : v.trim();
            };
            int dash = name.lastIndexOf('-');
            String group = Optional.ofNullable(p.apply("group")).orElse(dash > 0 ? name.substring(0, dash) : name);
            String kind = Optional.ofNullable(p.apply("kind")).orElse("disk");
            switch (kind) {
                case "disk" -> nodes.add(new DiskStorageNode(name, group,
                        Optional.ofNullable(p.apply("path")).map(Path::of).orElse(dataDir.resolve("nodes").resolve(name))));
                case "s3" -> {
                    String endpoint = p.apply("endpoint");
                    if (endpoint == null) {
                        throw new IllegalArgumentException("storage node " + name + ": kind s3 needs an endpoint");
                    }
                    S3StorageNode s3 = new S3StorageNode(name, group, endpoint,
                            Optional.ofNullable(p.apply("bucket")).orElse("caravan-" + name.toLowerCase()),
                            p.apply("access-key"), p.apply("secret-key"));
                    nodes.add(s3);
                }
                default -> throw new IllegalArgumentException("storage node " + name + ": unknown kind " + kind);
            }
        }
        return new StorageNodes(nodes);
    }

    public Optional<StorageNode> node(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<StorageNode> all() {
        return byName.values();
    }

    /** Group names in configuration order. */
    public List<String> groups() {
        return List.copyOf(byGroup.keySet());
    }

    /** The nodes of {@code group}, in configuration order (empty when there is no such group). */
    public List<StorageNode> group(String group) {
        return byGroup.getOrDefault(group, List.of());
    }

    @Override
    public void close() {
        byName.values().forEach(StorageNode::close);
    }
}
