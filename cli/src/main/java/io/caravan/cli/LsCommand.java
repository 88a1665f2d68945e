package io.caravan.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code caravan ls}: the newest files, or those whose name contains a text. */
@Command(name = "ls",
        description = {"Lists files, newest first: id, size, name (with --json: {\"files\": [...], \"next\": cursor}).",
                "Follows the server's pages (its \"next\" cursor) until N files are listed."})
final class LsCommand implements Callable<Integer> {

    /** The most files the server lists in one answer. */
    private static final int PAGE = 500;

    @ParentCommand
    CaravanCli cli;

    @Option(names = "--query", paramLabel = "TEXT", description = "Only files whose name contains TEXT (case-insensitive).")
    String query;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N files (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new CliException(CliException.USAGE, "--limit must be at least 1");
        }
        CaravanClient client = cli.client();
        ArrayNode files = CaravanClient.JSON.createArrayNode();
        String cursor = null;
        boolean more = true;
        while (more && files.size() < limit) {
            int page = Math.min(PAGE, limit - files.size());
            JsonNode answer = client.getJson("/files" + CaravanClient.query("q", query, "limit", page, "cursor", cursor));
            JsonNode got = answer.path("files");
            got.forEach(f -> {
                if (files.size() < limit) {
                    files.add(f);
                }
            });
            cursor = answer.path("next").isTextual() ? answer.path("next").asText() : null;
            more = cursor != null && !got.isEmpty();
        }
        if (cli.json) {
            ObjectNode json = CaravanClient.JSON.createObjectNode();
            json.set("files", files);
            cli.printJson(json.put("next", cursor));
            return CliException.OK;
        }
        Table table = new Table("ID", ">SIZE", "NAME");
        files.forEach(f -> table.row(f.path("id").asText(), Units.humanBytes(f.path("size").asLong()), f.path("name").asText()));
        table.print(cli.out());
        return CliException.OK;
    }
}
