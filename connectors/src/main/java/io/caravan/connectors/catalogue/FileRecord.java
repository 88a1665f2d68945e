package io.caravan.connectors.catalogue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file in the catalogue. {@code state} is {@code STORED} or {@code DELETED}. {@code blob} is the key of
 * its bytes on the storage nodes: its own id, or, when the same bytes were already stored in its group,
 * the blob of that earlier file (content-addressed dedup; the replicas belong to the blob).
 */
public record FileRecord(String id, String name, long size, String sha256, String contentType, String group,
                         String state, Instant created, String blob) {

    public FileRecord {
        blob = blob == null ? id : blob;
    }

    public static final String STORED = "STORED";
    public static final String DELETED = "DELETED";

    public boolean isStored() {
        return STORED.equals(state);
    }

    /** Whether the bytes are shared with an earlier file (stored once). */
    public boolean sharesContent() {
        return !blob.equals(id);
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
        if (!blob.equals(id)) {
            m.put("blob", blob);
        }
        return m;
    }
}
