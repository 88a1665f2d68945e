package io.caravan.processors.upload;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.processors.catalogue.Catalogue;
import io.caravan.processors.http.CaravanException;
import io.caravan.processors.http.FileRequests;
import io.caravan.processors.http.HttpResponses;
import io.caravan.processors.replicate.CloudEvents;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;

/**
 * {@code PATCH /files/{id}/meta} (bean {@code meta}): a JSON object of metadata changes, a string value
 * sets a key and {@code null} removes it; answers the file's whole metadata and queues a
 * {@code caravan.file.meta-changed} event.
 */
public class MetaProcessor {

    private static final int MAX_BODY = 64 * 1024;

    private final Catalogue catalogue;

    public MetaProcessor(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    public HttpResponse update(Exchange exchange) throws IOException {
        String id = FileRequests.fileId(exchange);
        Map<String, String> changes = changes(exchange);
        Map<String, String> meta;
        try {
            meta = catalogue.updateMeta(id, changes, (file, updated) -> CloudEvents.fileEvent(CloudEvents.META_CHANGED, file, null, updated))
                    .orElseThrow(() -> CaravanException.notFound("no such file: " + id));
        } catch (IllegalArgumentException e) {
            throw CaravanException.badRequest(e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("meta", meta);
        return HttpResponses.json(exchange, 200, body);
    }

    private static Map<String, String> changes(Exchange exchange) throws IOException {
        JsonNode json;
        try (InputStream in = exchange.getIn().getBody(InputStream.class)) {
            byte[] bytes = in == null ? new byte[0] : in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw CaravanException.badRequest("metadata changes are limited to " + MAX_BODY + " bytes");
            }
            json = HttpResponses.JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw CaravanException.badRequest("the body must be a JSON object of metadata changes: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw CaravanException.badRequest("the body must be a JSON object, e.g. {\"title\": \"…\", \"old-key\": null}");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (var it = json.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNull() && !e.getValue().isValueNode()) {
                throw CaravanException.badRequest("metadata value of '" + e.getKey() + "' must be a string or null");
            }
            changes.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return changes;
    }
}
