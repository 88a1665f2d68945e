package io.caravan.processors.events;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.processors.support.Json;

/**
 * A file event as read back from the topic: its type, the file it is about (id, blob, group, content type)
 * and where it sits in the log ({@code partition} and {@code offset}, null when not read from Kafka).
 */
public record FileEvent(String type, String fileId, String blob, String group, String contentType,
                        Integer partition, Long offset) {

    /** Reads a CloudEvents JSON envelope that {@link CloudEvents} made. */
    public static FileEvent parse(String json, Integer partition, Long offset) throws IOException {
        JsonNode event;
        try {
            event = Json.read(json == null ? "" : json);
        } catch (JsonProcessingException e) {
            throw new IOException("not a CloudEvents JSON envelope: " + e.getOriginalMessage(), e);
        }
        JsonNode data = event.path("data");
        String id = data.path("id").asText();
        return new FileEvent(event.path("type").asText(), id, data.path("blob").asText(id), data.path("group").asText(),
                data.path("contentType").asText(), partition, offset);
    }

    public boolean is(String eventType) {
        return eventType.equals(type);
    }
}
