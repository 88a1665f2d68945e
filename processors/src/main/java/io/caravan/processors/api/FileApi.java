package io.caravan.processors.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.processors.files.FileChanges;
import io.caravan.processors.files.FileSearch;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.Json;
import io.caravan.processors.tracker.ClusterStatus;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.camel.Body;
import org.apache.camel.Header;

/**
 * The file endpoints besides upload and streaming (bean {@code fileApi}): {@code DELETE /files/{id}},
 * {@code PATCH /files/{id}/meta}, {@code GET /files/{id}/info} and the search {@code GET /files?q=}.
 */
public class FileApi {

    private static final int MAX_META_BODY = 64 * 1024;

    private final FileChanges changes;
    private final FileSearch search;
    private final ClusterStatus status;

    public FileApi(FileChanges changes, FileSearch search, ClusterStatus status) {
        this.changes = changes;
        this.search = search;
        this.status = status;
    }

    /** Deletes the file: 204. */
    public FullHttpResponse delete(@Header(CaravanHeaders.ID) String id) {
        changes.delete(Requests.fileId(id));
        return HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
    }

    /** A JSON object of metadata changes (a string sets a key, null removes it): the file's whole metadata. */
    public FullHttpResponse updateMeta(@Header(CaravanHeaders.ID) String id, @Body byte[] body) throws IOException {
        String fileId = Requests.fileId(id);
        Map<String, String> meta = changes.updateMeta(fileId, metaChanges(body));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", fileId);
        answer.put("meta", meta);
        return HttpResponses.json(200, answer);
    }

    /** The file, its metadata and the state of its copy on every node of its group. */
    public FullHttpResponse info(@Header(CaravanHeaders.ID) String id) {
        return HttpResponses.json(200, Views.info(status.info(Requests.fileId(id))));
    }

    /** A page of stored files, newest first; {@code next} names the following page. */
    public FullHttpResponse search(@Header(CaravanHeaders.QUERY_PARAM) String q, @Header(CaravanHeaders.TYPE_PARAM) String type,
                                   @Header(CaravanHeaders.GROUP_PARAM) String group,
                                   @Header(CaravanHeaders.LIMIT_PARAM) String limit,
                                   @Header(CaravanHeaders.CURSOR_PARAM) String cursor,
                                   @Header(CaravanHeaders.DERIVED_PARAM) String derived) {
        int n;
        try {
            n = Integer.parseInt(limit == null ? "50" : limit.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("limit must be a number");
        }
        FileSearch.Page page = search.search(Requests.queryParam(q, CaravanHeaders.QUERY_PARAM),
                Requests.queryParam(type, CaravanHeaders.TYPE_PARAM), Requests.queryParam(group, CaravanHeaders.GROUP_PARAM),
                n, cursor, Requests.flag(derived, CaravanHeaders.DERIVED_PARAM));
        return HttpResponses.json(200, Views.page(page));
    }

    private static Map<String, String> metaChanges(byte[] body) throws IOException {
        JsonNode json;
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length > MAX_META_BODY) {
            throw new InvalidInputException("metadata changes are limited to " + MAX_META_BODY + " bytes");
        }
        try {
            json = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the body must be a JSON object of metadata changes: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new InvalidInputException("the body must be a JSON object, e.g. {\"title\": \"…\", \"old-key\": null}");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        for (var it = json.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNull() && !e.getValue().isValueNode()) {
                throw new InvalidInputException("metadata value of '" + e.getKey() + "' must be a string or null");
            }
            changes.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText());
        }
        return changes;
    }
}
