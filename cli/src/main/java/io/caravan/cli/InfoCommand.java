package io.caravan.cli;

import picocli.CommandLine.Command;

/** {@code caravan info}: a file's metadata and replicas. */
@Command(name = "info",
        description = "Prints a file's metadata and the state of its copies on every node of its group, as JSON.")
final class InfoCommand extends FileCommand {

    @Override
    public Integer call() throws Exception {
        cli.printJson(cli.client().getJson(filePath() + "/info"));
        return CliException.OK;
    }
}
