package io.caravan.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The server URL and API key, each taken from the first of: command-line flag, environment variable
 * ({@code CARAVAN_URL}, {@code CARAVAN_API_KEY}), config file, default.
 */
record Settings(URI url, String apiKey) {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String ENV_URL = "CARAVAN_URL";
    static final String ENV_API_KEY = "CARAVAN_API_KEY";
    static final String ENV_CONFIG = "CARAVAN_CONFIG";
    /** The config file used when neither {@code --config} nor {@code CARAVAN_CONFIG} names one, relative to the home directory. */
    static final Path DEFAULT_CONFIG = Path.of(".config", "caravan", "config.properties");

    /**
     * Resolves the settings.
     *
     * @param urlFlag    {@code --url}, or null
     * @param apiKeyFlag {@code --api-key}, or null
     * @param configFlag {@code --config}, or null
     * @param env        the environment
     * @param home       the user's home directory
     */
    static Settings resolve(String urlFlag, String apiKeyFlag, Path configFlag, Map<String, String> env, Path home) {
        Properties config = config(configFlag, env, home);
        String url = first(urlFlag, env.get(ENV_URL), config.getProperty("url"), DEFAULT_URL);
        String apiKey = first(apiKeyFlag, env.get(ENV_API_KEY), config.getProperty("api-key"), null);
        return new Settings(serverUri(url), apiKey);
    }

    /** The config file's properties: an explicitly named file must exist, the default one may not. */
    private static Properties config(Path configFlag, Map<String, String> env, Path home) {
        String envConfig = blankToNull(env.get(ENV_CONFIG));
        Path named = configFlag != null ? configFlag : envConfig != null ? Path.of(envConfig) : null;
        Path file = named != null ? named : home.resolve(DEFAULT_CONFIG);
        Properties p = new Properties();
        if (named == null && !Files.exists(file)) {
            return p;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new CliException(CliException.ERROR, "cannot read config file " + file + ": " + e);
        }
        return p;
    }

    private static URI serverUri(String url) {
        String trimmed = url.trim().replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(url, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(CliException.USAGE, "invalid server URL " + url + ": " + e.getReason());
        }
    }

    private static String first(String... candidates) {
        for (String c : candidates) {
            if (blankToNull(c) != null) {
                return c.trim();
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
