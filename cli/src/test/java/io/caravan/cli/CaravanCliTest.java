package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CaravanCliTest {

    @TempDir
    Path home;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CaravanCli.commandLine(Map.of(), home);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void should_list_the_exit_codes_in_the_help() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        for (String code : new String[] {"0   ok", "2   usage error", "3   not found", "4   authentication refused",
                "5   verification failed", "6   server unreachable"}) {
            assertTrue(help.contains(code), code + " in\n" + help);
        }
    }

    @Test
    void should_exit_2_with_one_line_on_usage_errors() {
        assertEquals(2, run("upload"));
        assertEquals(2, run("url", "1-x.mp3", "--ttl", "1y"));
        assertEquals(2, run("download", "1-x.mp3", "--limit-rate", "fast"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run());
        assertEquals(2, run("ls", "--url", "ftp://nowhere"));
        for (String line : err.toString().split("\n")) {
            assertTrue(line.startsWith("caravan: "), line);
        }
    }

    @Test
    void should_take_global_options_after_the_command_and_exit_6_when_the_server_is_unreachable() {
        assertEquals(6, run("ls", "--json", "--url", "http://127.0.0.1:1"));
        assertEquals("caravan: cannot connect to http://127.0.0.1:1\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void should_refuse_tag_names_that_cannot_be_headers() {
        assertEquals(2, run("upload", "--tag", "bad name=x", "f.mp3"));
        assertTrue(err.toString().startsWith("caravan: invalid tag name 'bad name'"), err.toString());
    }
}
