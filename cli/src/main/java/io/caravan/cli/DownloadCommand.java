package io.caravan.cli;

import java.nio.file.Path;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code caravan download}: a file to disk, resumable, verified, from one or several sources. */
@Command(name = "download",
        description = {"Downloads a file and prints where it was written (JSON with --json).",
                "Bytes go to FILE.part, which a later run resumes; FILE appears only once the whole file's SHA-256 "
                        + "matches the server's (else the part is removed and the exit code is 5)."})
final class DownloadCommand extends FileCommand {

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where to write it; a directory keeps the file's name (default: its name, in the current directory).")
    Path output;

    @Option(names = "--sources", paramLabel = "N", defaultValue = "1",
            description = "Fetch the file's segments from up to N storage nodes in parallel, each segment verified "
                    + "(default: ${DEFAULT-VALUE}, one request to the server).")
    int sources;

    @Option(names = "--limit-rate", paramLabel = "RATE", converter = Units.Bytes.class,
            description = "At most RATE bytes per second in all, e.g. 500k or 2M (as curl).")
    Long limitRate;

    @Override
    public Integer call() throws Exception {
        if (sources < 1) {
            throw new CliException(CliException.USAGE, "--sources must be at least 1");
        }
        RateLimiter limiter = limitRate == null ? RateLimiter.UNLIMITED : new RateLimiter(limitRate);
        Downloader.Result result = new Downloader(cli.client(), limiter, cli::progress).download(id, output, sources);
        if (cli.json) {
            cli.printJson(result.toJson());
        }
        cli.confirm(result.path().toString());
        return CliException.OK;
    }
}
