package io.caravan.cli;

import java.net.http.HttpRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan url}: a signed URL that plays a file without an API key until it expires. */
@Command(name = "url",
        description = "Prints a signed URL for a file, valid for the TTL (JSON with url and expires with --json).")
final class UrlCommand extends FileCommand {

    @Option(names = "--ttl", paramLabel = "TTL", defaultValue = "1h", converter = Units.Seconds.class,
            description = "How long the URL stays valid: 90, 90s, 15m, 1h or 7d (default: ${DEFAULT-VALUE}; at most a year).")
    long ttlSeconds;

    @Override
    public Integer call() throws Exception {
        CaravanClient client = cli.client();
        String path = filePath() + "/url" + CaravanClient.query("ttl", ttlSeconds);
        HttpRequest.Builder sign = client.request(client.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
        JsonNode answer = client.json(sign, 200);
        String url = client.uri(answer.path("url").asText()).toString();
        if (cli.json) {
            ObjectNode json = CaravanClient.JSON.createObjectNode().put("url", url);
            cli.printJson(json.set("expires", answer.path("expires")));
        } else {
            cli.out().println(url);
        }
        return CliException.OK;
    }
}
