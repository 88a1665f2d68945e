package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path home;

    private Path config(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void should_default_to_the_local_server_without_a_key() {
        Settings s = Settings.resolve(null, null, null, Map.of(), home);
        assertEquals(URI.create("http://127.0.0.1:8080"), s.url());
        assertNull(s.apiKey());
    }

    @Test
    void should_prefer_flag_then_environment_then_config_file() throws Exception {
        config(home.resolve(".config/caravan/config.properties"), "url=http://config:1\napi-key=config-key\n");
        Map<String, String> env = Map.of("CARAVAN_URL", "http://env:2/", "CARAVAN_API_KEY", "env-key");

        assertEquals(new Settings(URI.create("http://config:1"), "config-key"), Settings.resolve(null, null, null, Map.of(), home));
        assertEquals(new Settings(URI.create("http://env:2"), "env-key"), Settings.resolve(null, null, null, env, home));
        assertEquals(new Settings(URI.create("http://flag:3"), "flag-key"),
                Settings.resolve("http://flag:3", "flag-key", null, env, home));
        assertEquals(new Settings(URI.create("http://env:2"), "config-key"),
                Settings.resolve(null, null, null, Map.of("CARAVAN_URL", "http://env:2"), home));
    }

    @Test
    void should_read_the_config_file_named_by_flag_else_by_environment() throws Exception {
        Path byFlag = config(home.resolve("flag.properties"), "url=http://by-flag:1\n");
        Path byEnv = config(home.resolve("env.properties"), "url=http://by-env:1\napi-key=k\n");
        Map<String, String> env = Map.of("CARAVAN_CONFIG", byEnv.toString());

        assertEquals(new Settings(URI.create("http://by-env:1"), "k"), Settings.resolve(null, null, null, env, home));
        assertEquals(new Settings(URI.create("http://by-flag:1"), null), Settings.resolve(null, null, byFlag, env, home));
    }

    @Test
    void should_fail_when_a_named_config_file_is_missing() {
        CliException e = assertThrows(CliException.class,
                () -> Settings.resolve(null, null, home.resolve("missing.properties"), Map.of(), home));
        assertEquals(CliException.ERROR, e.exitCode());
    }

    @Test
    void should_refuse_a_url_that_is_not_http_as_a_usage_error() {
        CliException e = assertThrows(CliException.class, () -> Settings.resolve("ftp://x", null, null, Map.of(), home));
        assertEquals(CliException.USAGE, e.exitCode());
    }
}
