package io.caravan.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code caravan} command: global options, subcommands, and how failures become messages and exit codes. */
@Command(name = "caravan", mixinStandardHelpOptions = true, versionProvider = CaravanCli.Version.class, scope = ScopeType.INHERIT,
        description = "Uploads, downloads and manages media files on a Caravan server.",
        subcommands = {UploadCommand.class, DownloadCommand.class, CatCommand.class, InfoCommand.class, LsCommand.class,
                RmCommand.class, ClusterCommand.class, UrlCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:ok",
                "1:other error",
                "2:usage error",
                "3:not found (HTTP 404 or 410)",
                "4:authentication refused (HTTP 401 or 403)",
                "5:verification failed (SHA-256 mismatch)",
                "6:server unreachable, or a server error (HTTP 5xx)"},
        footerHeading = "%nSettings:%n",
        footer = {
                "The server URL and API key come from the first of: --url and --api-key,",
                "$CARAVAN_URL and $CARAVAN_API_KEY, the config file (keys url and api-key),",
                "then http://127.0.0.1:8080 and no key. The config file is --config, else",
                "$CARAVAN_CONFIG, else ~/.config/caravan/config.properties. See docs/cli.md."})
public final class CaravanCli implements Runnable {

    /** How long one read of a download may wait for data before its source counts as dead. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "Server base URL (see Settings below).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", scope = ScopeType.INHERIT,
            description = "API key, sent as Authorization: Bearer (see Settings below).")
    String apiKey;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Config file: properties url and api-key (see Settings below).")
    Path config;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print results as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress bars and no confirmations; results and errors are still printed.")
    boolean quiet;

    @Option(names = "--no-progress", scope = ScopeType.INHERIT, description = "No progress bars.")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final Path home;

    /**
     * @param env  the environment variables to read settings from
     * @param home the home directory the default config file is in
     */
    CaravanCli(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), Path.of(System.getProperty("user.home"))).execute(args));
    }

    /** The command line with Caravan's error handling: one {@code caravan: <message>} line and an exit code. */
    static CommandLine commandLine(Map<String, String> env, Path home) {
        return new CommandLine(new CaravanCli(env, home))
                .setExecutionExceptionHandler(CaravanCli::failed)
                .setParameterExceptionHandler(CaravanCli::usage);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required");
    }

    CaravanClient client() {
        Settings settings = Settings.resolve(url, apiKey, config, env, home);
        return new CaravanClient(settings.url(), settings.apiKey(), READ_TIMEOUT);
    }

    /** A progress bar on stderr when it is a terminal and bars are wanted; else a silent one. */
    Progress progress(String label, long total) {
        boolean draw = !quiet && !noProgress && System.console() != null;
        return draw ? new Progress(System.err, label, total) : Progress.silent();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints a confirmation line, unless {@code --quiet} or {@code --json}. */
    void confirm(String line) {
        if (!quiet && !json) {
            out().println(line);
        }
    }

    void printJson(JsonNode node) throws JsonProcessingException {
        out().println(CaravanClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    private static int failed(Exception e, CommandLine cmd, ParseResult parsed) {
        int code = CliException.ERROR;
        String message;
        if (e instanceof CliException ce) {
            code = ce.exitCode();
            message = ce.getMessage();
        } else if (e instanceof NetworkException) {
            code = CliException.UNAVAILABLE;
            message = e.getMessage();
        } else if (e instanceof NoSuchFileException) {
            message = "no such file: " + e.getMessage();
        } else if (e instanceof AccessDeniedException) {
            message = "permission denied: " + e.getMessage();
        } else if (e instanceof IOException && e.getMessage() != null) {
            message = e.getMessage();
        } else {
            message = e.toString();
        }
        cmd.getErr().println("caravan: " + message);
        return code;
    }

    private static int usage(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println("caravan: " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"caravan " + Objects.requireNonNullElse(CaravanCli.class.getPackage().getImplementationVersion(), "(development)")};
        }
    }
}
