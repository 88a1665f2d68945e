package io.caravan.processors.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.caravan.processors.support.ExpiredException;
import io.caravan.processors.support.ForbiddenException;

/**
 * Signed URLs against hot-linking: {@code ?expires=<unix seconds>&sig=<base64url(HMAC-SHA256(secret, id + expires))>}.
 * A forged or missing signature is 403, an expired one 410; {@code expires=0} never means "forever".
 */
public class UrlSigner {

    private final byte[] secret;
    private final boolean required;

    /**
     * @param secret   the HMAC key
     * @param required whether every GET must carry a valid signature ({@code caravan.http.signed-urls})
     */
    public UrlSigner(byte[] secret, boolean required) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the signing secret must have at least 16 bytes");
        }
        this.secret = secret.clone();
        this.required = required;
    }

    /**
     * The configured secret, or else the one kept in {@code <data dir>/signing-secret}, created (random,
     * 256 bits, readable by the owner only) the first time, so signed URLs survive a restart.
     */
    public static byte[] secret(String configured, Path dataDir) throws IOException {
        if (configured != null && !configured.isBlank()) {
            return configured.trim().getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve("signing-secret");
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Path tmp = dataDir.resolve("signing-secret.tmp");
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file);
        }
        return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
    }

    public boolean required() {
        return required;
    }

    /** The signature of {@code id} valid until {@code expires} (unix seconds). */
    public String sign(String id, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal((id + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The path and query of a URL for {@code id} valid for {@code ttlSeconds}. */
    public String signedPath(String id, long ttlSeconds, Instant now) {
        long expires = now.getEpochSecond() + ttlSeconds;
        return "/files/" + id + "?expires=" + expires + "&sig=" + sign(id, expires);
    }

    /** Throws {@link ForbiddenException} (forged or missing) or {@link ExpiredException} unless the request carries a valid, unexpired signature for {@code id}. */
    public void check(String id, String expires, String sig, Instant now) {
        long until;
        try {
            until = Long.parseLong(expires == null ? "" : expires.trim());
        } catch (NumberFormatException e) {
            throw new ForbiddenException("a signed URL is required: ?expires=<unix seconds>&sig=<signature>");
        }
        if (until <= 0 || sig == null) {
            throw new ForbiddenException("a signed URL is required: ?expires=<unix seconds>&sig=<signature>");
        }
        byte[] expected = sign(id, until).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, sig.trim().getBytes(StandardCharsets.US_ASCII))) {
            throw new ForbiddenException("invalid signature");
        }
        if (until < now.getEpochSecond()) {
            throw new ExpiredException("this signed URL expired");
        }
    }
}
