package io.caravan.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.security.MessageDigest;

import picocli.CommandLine.Command;

/** {@code caravan cat}: a file's bytes to standard output, streamed, for players ({@code caravan cat ID | ffplay -}). */
@Command(name = "cat",
        description = {"Writes a file's bytes to standard output as they arrive (no progress bar).",
                "Checks them against the server's SHA-256 at the end (exit code 5 if they differ). A reader that "
                        + "stops early (a player that quits) ends it quietly."})
final class CatCommand extends FileCommand {

    @Override
    public Integer call() throws IOException {
        CaravanClient client = cli.client();
        HttpResponse<InputStream> response = client.stream(client.request(client.uri(filePath())).GET());
        MessageDigest digest = Sha256.digest();
        Stdout stdout = new Stdout();
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw CaravanClient.failure(response);
            }
            Transfer.copy(in, stdout, Long.MAX_VALUE, digest, RateLimiter.UNLIMITED, n -> { });
        } catch (IOException e) {
            if (stdout.readerGone) {
                return CliException.OK;
            }
            throw e;
        }
        String expected = response.headers().firstValue("ETag").orElse(null);
        String actual = "\"" + Sha256.hex(digest) + "\"";
        if (expected != null && !expected.equals(actual)) {
            throw CliException.verification("the bytes of " + id + " have SHA-256 " + actual + ", the server's ETag is " + expected);
        }
        return CliException.OK;
    }

    /** Standard output, written directly (the chunks are large); a failing write means its reader went away. */
    private static final class Stdout implements Transfer.Sink {
        private final OutputStream out = new FileOutputStream(FileDescriptor.out);
        private boolean readerGone;

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                readerGone = true;
                throw e;
            }
        }
    }
}
