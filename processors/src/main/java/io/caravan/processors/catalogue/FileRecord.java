package io.caravan.processors.catalogue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A file in the catalogue. {@code state} is {@code STORED} or {@code DELETED}. */
public record FileRecord(String id, String name, long size, String sha256, String contentType, String group,
                         String state, Instant created) {

    public static final String STORED = "STORED";
    public static final String DELETED = "DELETED";

    public boolean isStored() {
        return STORED.equals(state);
    }

    /** The strong entity tag of the file's bytes. */
    public String etag() {
        return "\"" + sha256 + "\"";
    }

    /** The JSON view the HTTP API returns. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("size", size);
        m.put("sha256", sha256);
        m.put("contentType", contentType);
        m.put("group", group);
        m.put("created", created.toString());
        return m;
    }
}
