package io.caravan.processors.tracker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.processors.support.Json;

/** What a node's identity ({@code caravan-node.json}) says: the cluster and node it was formatted for, its group, when. */
public record NodeIdentity(String cluster, String node, String group, Instant created) {

    /** The identity as written on the node. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", cluster);
        m.put("node", node);
        m.put("group", group);
        m.put("created", created.toString());
        return Json.write(m) + "\n";
    }

    /** The identity in {@code text}, or empty when it is not one (unreadable JSON, a field missing). */
    public static Optional<NodeIdentity> parse(String text) {
        try {
            JsonNode j = Json.read(text);
            if (!j.hasNonNull("cluster") || !j.hasNonNull("node") || !j.hasNonNull("group") || !j.hasNonNull("created")) {
                return Optional.empty();
            }
            return Optional.of(new NodeIdentity(j.get("cluster").asText(), j.get("node").asText(), j.get("group").asText(),
                    Instant.parse(j.get("created").asText())));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
