package io.caravan.cli;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code caravan upload}: stores files, by reference when the server already has their bytes. */
@Command(name = "upload",
        description = {"Uploads files; prints '<id>  <name>' for each (its JSON with --json).",
                "A file whose SHA-256 and size the server already has is not sent again. The SHA-256 the server "
                        + "computed must equal the local one (else exit code 5). Stops at the first file that fails."})
final class UploadCommand implements Callable<Integer> {

    private static final Pattern TAG_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    @ParentCommand
    CaravanCli cli;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "The files to upload.")
    List<Path> files;

    @Option(names = "--group", paramLabel = "GROUP", description = "The storage group (default: the server's placement policy).")
    String group;

    @Option(names = "--tag", paramLabel = "KEY=VALUE",
            description = "Metadata, sent as header X-Meta-KEY: VALUE (repeatable). KEY: letters, digits, '-'. "
                    + "VALUE is sent percent-encoded as UTF-8.")
    Map<String, String> tags = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        for (String name : tags.keySet()) {
            if (!TAG_NAME.matcher(name).matches()) {
                throw new CliException(CliException.USAGE, "invalid tag name '" + name + "': use letters, digits and '-'");
            }
        }
        CaravanClient client = cli.client();
        for (Path file : files) {
            JsonNode stored = upload(client, file);
            cli.out().println(cli.json ? stored.toString() : stored.path("id").asText() + "  " + stored.path("name").asText());
        }
        return CliException.OK;
    }

    private JsonNode upload(CaravanClient client, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CliException(CliException.ERROR, "not a readable file: " + file);
        }
        String name = file.getFileName().toString();
        long size = Files.size(file);
        String sha256 = Sha256.of(file);
        JsonNode stored = instant(client, name, size, sha256);
        if (stored == null) {
            stored = send(client, file, name, size);
        }
        if (!sha256.equals(stored.path("sha256").asText())) {
            throw CliException.verification("the server stored " + file + " as " + stored.path("id").asText() + " with SHA-256 "
                    + stored.path("sha256").asText() + ", the local file's is " + sha256);
        }
        return stored;
    }

    /** Asks the server to store the file from bytes it already has; null when it cannot (404, or no such feature). */
    private JsonNode instant(CaravanClient client, String name, long size, String sha256) {
        String query = CaravanClient.query("sha256", sha256, "size", size, "name", name, "group", group);
        HttpResponse<String> r = client.exchange(withTags(client.request(client.uri("/files" + query))).POST(BodyPublishers.noBody()));
        int status = r.statusCode();
        if (status == 201) {
            return CaravanClient.parse(r.body());
        }
        if (status == 401 || status == 403 || status >= 500) {
            throw CaravanClient.failure(status, r.body());
        }
        return null;
    }

    /** Uploads the file's bytes, streamed from disk. */
    private JsonNode send(CaravanClient client, Path file, String name, long size) throws IOException {
        String query = CaravanClient.query("name", name, "group", group, "allowEmpty", size == 0 ? "true" : null);
        Progress progress = cli.progress(name, size);
        try {
            HttpRequest request = withTags(client.request(client.uri("/files" + query)))
                    // the server names the type from the file name's extension (MediaTypes)
                    .header("Content-Type", "application/octet-stream")
                    .POST(size == 0 ? BodyPublishers.noBody() : counting(BodyPublishers.ofFile(file), progress)).build();
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw CaravanClient.failure(r.statusCode(), r.body());
            }
            return CaravanClient.parse(r.body());
        } finally {
            progress.finish();
        }
    }

    private HttpRequest.Builder withTags(HttpRequest.Builder request) {
        tags.forEach((k, v) -> request.header("X-Meta-" + k, headerValue(v)));
        return request;
    }

    /**
     * A tag value as ASCII for a header: UTF-8 bytes, with every byte that is not a visible ASCII character,
     * and {@code %} and {@code +}, percent-encoded (so {@code +} decodes the same either way).
     */
    static String headerValue(String value) {
        StringBuilder sb = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c > ' ' && c < 0x7f && c != '%' && c != '+') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return sb.toString();
    }

    /** The (non-empty) body, counting the bytes handed to the connection. */
    private static BodyPublisher counting(BodyPublisher body, Progress progress) {
        return BodyPublishers.fromPublisher(subscriber -> body.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                progress.add(item.remaining());
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable error) {
                subscriber.onError(error);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        }), body.contentLength());
    }
}
