package io.caravan.processors.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

import io.caravan.processors.support.CaravanHeaders;
import org.apache.camel.Header;

/** Checks the {@code Authorization: Bearer <key>} header against the configured API keys (bean {@code apiKeys}). */
public class ApiKeys {

    /** The development key the embedded default ships with; documented, so never safe in production. */
    public static final String DEVELOPMENT_KEY = "caravan-dev-key";

    private final List<byte[]> keys;

    /** @param keys comma-separated API keys ({@code caravan.api.keys}) */
    public ApiKeys(String keys) {
        this.keys = Arrays.stream(keys == null ? new String[0] : keys.split(","))
                .map(String::trim).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** {@code true} when the development key is among the accepted keys. */
    public boolean usesDevelopmentKey() {
        byte[] dev = DEVELOPMENT_KEY.getBytes(StandardCharsets.UTF_8);
        return keys.stream().anyMatch(k -> MessageDigest.isEqual(k, dev));
    }

    /** Refuses (401) unless the request carries one of the keys (compared in constant time). */
    public void require(@Header(CaravanHeaders.AUTHORIZATION) String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new UnauthorizedException("missing API key: send Authorization: Bearer <key>");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] k : keys) {
            ok |= MessageDigest.isEqual(k, given);
        }
        if (!ok) {
            throw new UnauthorizedException("invalid API key");
        }
    }
}
