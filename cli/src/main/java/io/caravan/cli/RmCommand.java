package io.caravan.cli;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code caravan rm}: deletes files. */
@Command(name = "rm",
        description = {"Deletes files (every copy); prints 'deleted <id>' for each.",
                "Stops at the first that fails: exit code 3 when it does not exist."})
final class RmCommand implements Callable<Integer> {

    @ParentCommand
    CaravanCli cli;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "The files' ids.")
    List<String> ids;

    @Override
    public Integer call() {
        CaravanClient client = cli.client();
        for (String id : ids) {
            HttpRequest.Builder delete = client.request(client.uri(CaravanClient.filePath(id))).DELETE();
            client.json(delete, 204);
            cli.confirm("deleted " + id);
        }
        return CliException.OK;
    }
}
