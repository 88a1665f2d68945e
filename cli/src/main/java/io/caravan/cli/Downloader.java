package io.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.cli.Manifest.Segment;

/**
 * Downloads a file through {@code <file>.part}: resumes what a previous run left there, verifies the
 * whole file's SHA-256, and only then renames it. One request to the server, or segments from several
 * sources in parallel following the file's manifest.
 */
final class Downloader {

    private final CaravanClient client;
    private final RateLimiter limiter;
    private final Progress.Factory progress;

    Downloader(CaravanClient client, RateLimiter limiter, Progress.Factory progress) {
        this.client = client;
        this.limiter = limiter;
        this.progress = progress;
    }

    /**
     * What was downloaded: {@code resumed} bytes were kept from a previous run, {@code segments} is 0 for one
     * request, {@code sources} the nodes (as the manifest names them) that delivered at least one verified
     * segment in this run (empty for one request).
     */
    record Result(String id, Path path, long size, String sha256, long resumed, int segments, List<String> sources) {
        ObjectNode toJson() {
            ObjectNode json = CaravanClient.JSON.createObjectNode();
            json.put("id", id).put("path", path.toString()).put("size", size).put("sha256", sha256)
                    .put("resumed", resumed).put("segments", segments);
            ArrayNode nodes = json.putArray("sources");
            sources.forEach(nodes::add);
            return json;
        }
    }

    /**
     * Downloads the file.
     *
     * @param output  the file to write, a directory to write it into, or null for its name in the current directory
     * @param sources more than 1: fetch segments from that many sources at a time, when the server has a manifest
     */
    Result download(String id, Path output, int sources) throws IOException, InterruptedException {
        if (sources > 1) {
            Manifest manifest = manifest(id);
            if (manifest != null && !manifest.sources().isEmpty()) {
                return segmented(manifest, output, sources);
            }
        }
        return single(id, output);
    }

    /**
     * Where the file goes: {@code output} itself, or its name (path separators replaced; the id when it has
     * no usable name) in the directory {@code output} or, when null, in the current directory.
     */
    static Path target(Path output, String name, String id) {
        String safe = name == null ? "" : name.replaceAll("[/\\\\\\x00]", "_").strip();
        if (safe.isEmpty() || safe.equals(".") || safe.equals("..")) {
            safe = id;
        }
        if (output == null) {
            return Path.of(safe);
        }
        return Files.isDirectory(output) ? output.resolve(safe) : output;
    }

    private Manifest manifest(String id) {
        try {
            return Manifest.parse(client.getJson(CaravanClient.filePath(id) + "/manifest"), client);
        } catch (CliException e) {
            if (e.exitCode() == CliException.NOT_FOUND) {
                return null; // no manifest endpoint (or no such file, which the single path reports)
            }
            throw e;
        }
    }

    private Result single(String id, Path output) throws IOException {
        JsonNode info = client.getJson(CaravanClient.filePath(id) + "/info");
        long size = info.path("size").asLong();
        String sha256 = info.path("sha256").asText();
        Path target = target(output, info.path("name").asText(null), id);
        Path part = part(target);
        long resumed;
        String actual;
        try (FileChannel file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long have = file.size() <= size ? file.size() : 0; // longer than the file: not a part of it
            MessageDigest digest = Sha256.update(Sha256.digest(), file, 0, have);
            Progress bar = progress.start(target.getFileName().toString(), size);
            bar.skip(have);
            try {
                resumed = have < size ? fetch(id, sha256, file, have, digest, bar) : have;
            } finally {
                bar.finish();
            }
            actual = Sha256.hex(digest);
        }
        return complete(part, new Result(id, target, size, sha256, resumed, 0, List.of()), actual);
    }

    /**
     * Fetches the file from byte {@code have} on ({@code Range} with {@code If-Range}), or whole when the
     * server answers 200; returns where the bytes written start.
     */
    private long fetch(String id, String sha256, FileChannel file, long have, MessageDigest digest, Progress bar)
            throws IOException {
        HttpRequest.Builder request = client.request(client.uri(CaravanClient.filePath(id))).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-").header("If-Range", "\"" + sha256 + "\"");
        }
        HttpResponse<InputStream> response = client.stream(request);
        try (InputStream in = response.body()) {
            long start;
            if (response.statusCode() == 206 && have > 0 && CaravanClient.rangeStart(response) == have) {
                start = have;
            } else if (response.statusCode() == 200) {
                start = 0;
                digest.reset();
                bar.skip(-have);
            } else {
                throw CaravanClient.failure(response);
            }
            file.truncate(start);
            Transfer.copy(in, Transfer.at(file, start), Long.MAX_VALUE, digest, limiter, bar::add);
            return start;
        }
    }

    private Result segmented(Manifest manifest, Path output, int sources) throws IOException, InterruptedException {
        Path target = target(output, manifest.name(), manifest.id());
        Path part = part(target);
        long resumed = 0;
        List<String> delivered;
        String actual;
        try (FileChannel file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (file.size() > manifest.size()) {
                file.truncate(manifest.size());
            }
            Progress bar = progress.start(target.getFileName().toString(), manifest.size());
            List<Segment> missing = new ArrayList<>();
            for (Segment s : manifest.segments()) {
                if (s.end() <= file.size() && Sha256.hex(Sha256.update(Sha256.digest(), file, s.offset(), s.length())).equals(s.sha256())) {
                    resumed += s.length();
                    bar.skip(s.length());
                } else {
                    missing.add(s);
                }
            }
            try {
                delivered = new SegmentFetcher(client, limiter, file, bar).fetch(missing, manifest.sources(), sources);
            } finally {
                bar.finish();
            }
            actual = Sha256.hex(Sha256.update(Sha256.digest(), file, 0, manifest.size()));
        }
        Result result = new Result(manifest.id(), target, manifest.size(), manifest.sha256(), resumed, manifest.segments().size(),
                delivered);
        return complete(part, result, actual);
    }

    /** Renames the part file to the target if its SHA-256 is the file's; deletes it otherwise. */
    private static Result complete(Path part, Result result, String actualSha256) throws IOException {
        if (!actualSha256.equals(result.sha256())) {
            Files.deleteIfExists(part);
            throw CliException.verification("downloaded " + result.id() + " has SHA-256 " + actualSha256 + ", the server's is "
                    + result.sha256() + "; removed " + part);
        }
        Files.move(part, result.path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return result;
    }

    private static Path part(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }
}
