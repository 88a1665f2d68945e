package io.caravan.processors.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The media type the first bytes of a file show (its magic number), whatever the client said: the common
 * audio, video and image containers, PDF and ZIP. {@code null} when the bytes match none of them.
 */
public final class ContentSniffer {

    /** How many leading bytes the sniffer looks at. */
    public static final int HEAD = 16;

    private ContentSniffer() {
    }

    /** The media type of a file starting with {@code head} (at most {@link #HEAD} bytes matter), or null. */
    public static String detect(byte[] head) {
        if (starts(head, 0, "ID3")) {
            return "audio/mpeg";
        }
        if (head.length > 1 && (head[0] & 0xff) == 0xff && (head[1] & 0xe0) == 0xe0) {
            // an MPEG audio frame header; layer bits 00 are an ADTS (AAC) header instead
            return (head[1] & 0x06) == 0 ? "audio/aac" : "audio/mpeg";
        }
        if (starts(head, 0, "fLaC")) {
            return "audio/flac";
        }
        if (starts(head, 0, "OggS")) {
            return "audio/ogg";
        }
        if (starts(head, 0, "RIFF") && starts(head, 8, "WAVE")) {
            return "audio/wav";
        }
        if (starts(head, 4, "ftyp")) {
            return starts(head, 8, "qt  ") ? "video/quicktime" : starts(head, 8, "M4A ") ? "audio/mp4" : "video/mp4";
        }
        if (bytes(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return "video/webm"; // Matroska and WebM share the EBML header; the DocType further on tells them apart
        }
        if (bytes(head, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (bytes(head, 0, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (starts(head, 0, "GIF8")) {
            return "image/gif";
        }
        if (starts(head, 0, "RIFF") && starts(head, 8, "WEBP")) {
            return "image/webp";
        }
        if (starts(head, 0, "%PDF")) {
            return "application/pdf";
        }
        if (bytes(head, 0, 'P', 'K', 3, 4)) {
            return "application/zip";
        }
        return null;
    }

    private static boolean starts(byte[] head, int at, String ascii) {
        byte[] b = ascii.getBytes(StandardCharsets.ISO_8859_1);
        return head.length >= at + b.length && Arrays.equals(head, at, at + b.length, b, 0, b.length);
    }

    private static boolean bytes(byte[] head, int at, int... values) {
        if (head.length < at + values.length) {
            return false;
        }
        for (int i = 0; i < values.length; i++) {
            if ((head[at + i] & 0xff) != values[i]) {
                return false;
            }
        }
        return true;
    }

    /** Passes a stream through, keeping its first {@link #HEAD} bytes for {@link #detect}. */
    static final class Head extends FilterInputStream {
        private final byte[] head = new byte[HEAD];
        private int kept;

        Head(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && kept < HEAD) {
                head[kept++] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && kept < HEAD) {
                int k = Math.min(n, HEAD - kept);
                System.arraycopy(b, off, head, kept, k);
                kept += k;
            }
            return n;
        }

        /** The type the bytes read so far show. */
        String detected() {
            return detect(Arrays.copyOf(head, kept));
        }
    }
}
