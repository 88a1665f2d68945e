package io.caravan.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code caravan cluster}: groups and nodes with their state, free space, files and replication lag. */
@Command(name = "cluster",
        description = "Prints the cluster's groups and nodes: health, state, free space, files, replication lag (events behind).")
final class ClusterCommand implements Callable<Integer> {

    @ParentCommand
    CaravanCli cli;

    @Override
    public Integer call() throws Exception {
        JsonNode cluster = cli.client().getJson("/cluster");
        if (cli.json) {
            cli.printJson(cluster);
            return CliException.OK;
        }
        Table table = new Table("GROUP", "HEALTH", "NODE", "KIND", "STATE", ">FREE", ">FILES", ">LAG");
        for (JsonNode group : cluster.path("groups")) {
            for (JsonNode node : group.path("nodes")) {
                JsonNode free = node.path("freeBytes");
                table.row(group.path("name").asText(), group.path("health").asText(), node.path("name").asText(),
                        node.path("kind").asText(), node.path("state").asText(),
                        free.isNumber() ? Units.humanBytes(free.asLong()) : "-",
                        node.path("files").asText("-"), node.path("lag").isNumber() ? node.path("lag").asText() : "-");
            }
        }
        table.print(cli.out());
        long unpublished = cluster.path("unpublishedEvents").asLong();
        if (unpublished > 0) {
            cli.out().println("unpublished events: " + unpublished);
        }
        return CliException.OK;
    }
}
