package io.caravan.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A command on one file, named by its id. */
abstract class FileCommand implements Callable<Integer> {

    @ParentCommand
    CaravanCli cli;

    @Parameters(paramLabel = "ID", description = "The file's id.")
    String id;

    /** {@code /files/<id>}. */
    String filePath() {
        return CaravanClient.filePath(id);
    }
}
