package io.caravan.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** A file's segments with their SHA-256 and the sources that serve its bytes ({@code GET /files/{id}/manifest}). */
record Manifest(String id, String name, long size, String sha256, List<Segment> segments, List<Source> sources) {

    /** Bytes {@code [offset, offset + length)} of the file. */
    record Segment(int index, long offset, long length, String sha256) {
        long end() {
            return offset + length;
        }
    }

    /** A node that serves the file at {@code uri} (with ranges). */
    record Source(String node, URI uri) {
    }

    /**
     * Reads the manifest; source URLs may be relative to the server.
     *
     * @throws CliException when the segments do not cover the file exactly once, in order
     */
    static Manifest parse(JsonNode json, CaravanClient client) {
        List<Segment> segments = new ArrayList<>();
        long next = 0;
        for (JsonNode s : json.path("segments")) {
            Segment segment = new Segment(s.path("index").asInt(), s.path("offset").asLong(), s.path("length").asLong(),
                    s.path("sha256").asText());
            if (segment.offset() != next || segment.length() <= 0 || segment.sha256().isEmpty()) {
                throw invalid("segment " + segment.index() + ": offset out of order, or length or sha256 missing");
            }
            segments.add(segment);
            next = segment.end();
        }
        long size = json.path("size").asLong(-1);
        if (next != size || json.path("sha256").asText().isEmpty()) {
            throw invalid("the segments cover " + next + " bytes of " + size);
        }
        List<Source> sources = new ArrayList<>();
        for (JsonNode s : json.path("sources")) {
            sources.add(new Source(s.path("node").asText(), client.uri(s.path("url").asText())));
        }
        return new Manifest(json.path("id").asText(), json.path("name").asText(null), size, json.path("sha256").asText(),
                List.copyOf(segments), List.copyOf(sources));
    }

    private static CliException invalid(String why) {
        return CliException.unavailable("invalid manifest: " + why);
    }
}
