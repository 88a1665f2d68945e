package io.caravan.processors.replication;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

import io.caravan.processors.support.Sha256;

/**
 * Passes bytes through and, at the end, fails with an IOException unless they had the expected size and
 * SHA-256, so a storage node's atomic write of a bad copy never completes.
 */
public class VerifyingInputStream extends FilterInputStream {

    private final String expectedSha256;
    private final long expectedSize;
    private final MessageDigest digest;
    private long count;
    private boolean checked;

    public VerifyingInputStream(InputStream in, String expectedSha256, long expectedSize) {
        super(in);
        this.expectedSha256 = expectedSha256;
        this.expectedSize = expectedSize;
        this.digest = Sha256.digest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
            if (count > expectedSize) {
                throw new IOException("copy is longer than the expected " + expectedSize + " bytes");
            }
        } else if (n < 0 && !checked) {
            checked = true;
            String actual = Sha256.hex(digest);
            if (count != expectedSize || !actual.equals(expectedSha256)) {
                throw new IOException("copy does not verify: " + count + " bytes, sha256 " + actual
                        + ", expected " + expectedSize + " bytes, sha256 " + expectedSha256);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported while verifying");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
