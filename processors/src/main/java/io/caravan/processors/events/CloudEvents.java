package io.caravan.processors.events;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.OutboxEvent;
import io.caravan.processors.support.Json;

/** Builds the CloudEvents 1.0 JSON envelopes Caravan publishes on its Kafka topic (structured mode). */
public final class CloudEvents {

    public static final String FILE_STORED = "caravan.file.stored";
    public static final String FILE_DELETED = "caravan.file.deleted";
    public static final String REPLICA_SYNCED = "caravan.replica.synced";
    public static final String REPLICA_REPAIRED = "caravan.replica.repaired";
    public static final String META_CHANGED = "caravan.file.meta-changed";
    /** A request to package a file into HLS again ({@code POST /files/{id}/hls}); route hls-package takes it. */
    public static final String HLS_REQUESTED = "caravan.hls.requested";
    /** A live stream started (its first write, or its first after it ended): a new session. */
    public static final String LIVE_STARTED = "caravan.live.started";
    /** A live stream ended: the encoder sent EXT-X-ENDLIST, or nothing came for {@code caravan.live.idle-timeout}. */
    public static final String LIVE_ENDED = "caravan.live.ended";
    /** The recording of a live stream's session is stored (or failed: {@code recordingState} says). */
    public static final String LIVE_RECORDED = "caravan.live.recorded";
    /** The {@code data.kind} of a live segment's stored and deleted events: extensions skip them unless they ask. */
    public static final String LIVE_KIND = "live";
    /** The media type of a structured-mode event, and of every record's {@code content-type} header. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    private CloudEvents() {
    }

    /**
     * An event about {@code file}; its id is a fresh UUID that stays with the event through every
     * redelivery, so consumers can de-duplicate on it.
     *
     * @param node the node the event concerns (the source node for a stored file), or {@code null}
     */
    public static OutboxEvent fileEvent(String type, FileRecord file, String node) {
        return fileEvent(type, file, node, Map.of());
    }

    /** As {@link #fileEvent(String, FileRecord, String)}, with the file's metadata in {@code data.meta} when there is any. */
    public static OutboxEvent fileEvent(String type, FileRecord file, String node, Map<String, String> meta) {
        return fileEvent(type, file, node, meta, Map.of());
    }

    /** An event about live stream {@code data.stream}: its subject is the stream's name, its data the stream's state. */
    public static OutboxEvent liveEvent(String type, String stream, Map<String, Object> data) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", "/caravan/live");
        ce.put("type", type);
        ce.put("subject", stream);
        ce.put("time", Instant.now().toString());
        ce.put("datacontenttype", "application/json");
        ce.put("data", data);
        return OutboxEvent.of(id, stream, type, Json.write(ce));
    }

    /**
     * As {@link #fileEvent(String, FileRecord, String, Map)}, with more fields in {@code data} (a derived file's
     * {@code derivedFrom} and {@code kind}).
     */
    public static OutboxEvent fileEvent(String type, FileRecord file, String node, Map<String, String> meta, Map<String, Object> more) {
        String id = UUID.randomUUID().toString();
        Map<String, Object> data = file.toJson();
        data.putAll(more);
        if (node != null) {
            data.put("node", node);
        }
        if (!meta.isEmpty()) {
            data.put("meta", meta);
        }
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", "/caravan/files");
        ce.put("type", type);
        ce.put("subject", file.id());
        ce.put("time", Instant.now().toString());
        ce.put("datacontenttype", "application/json");
        ce.put("data", data);
        return OutboxEvent.of(id, file.id(), type, Json.write(ce));
    }
}
