package io.caravan.processors.media;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Title, duration and codecs of a WebM / Matroska file, read from its EBML header elements (Segment →
 * Info, Tracks) without touching the media data: no library on Maven Central reads them.
 */
final class MatroskaInfo {

    private static final long SEGMENT = 0x18538067L;
    private static final long INFO = 0x1549A966L;
    private static final long TRACKS = 0x1654AE6BL;
    private static final long TRACK_ENTRY = 0xAEL;
    private static final long CODEC_ID = 0x86L;
    private static final long TIMECODE_SCALE = 0x2AD7B1L;
    private static final long DURATION = 0x4489L;
    private static final long TITLE = 0x7BA9L;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long EBML = 0x1A45DFA3L;
    private static final long UNKNOWN = -1;

    private final RandomAccessFile in;
    private long timecodeScale = 1_000_000;
    private double duration = -1;
    private String title;
    private final List<String> codecs = new ArrayList<>();

    private MatroskaInfo(RandomAccessFile in) {
        this.in = in;
    }

    /** {@code title}, {@code duration} (seconds) and {@code codec} (e.g. "V_VP9, A_OPUS") as far as the file has them. */
    static Map<String, String> read(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            MatroskaInfo m = new MatroskaInfo(raf);
            if (m.readId() != EBML) {
                throw new IOException("not an EBML (Matroska/WebM) file");
            }
            long headerSize = m.readSize();
            raf.seek(raf.getFilePointer() + headerSize);
            m.children(raf.length());
            Map<String, String> out = new LinkedHashMap<>();
            if (m.title != null && !m.title.isBlank()) {
                out.put("title", m.title.trim());
            }
            if (m.duration > 0) {
                out.put("duration", MediaTags.seconds(m.duration * m.timecodeScale / 1e9));
            }
            if (!m.codecs.isEmpty()) {
                out.put("codec", String.join(", ", m.codecs));
            }
            return out;
        }
    }

    /** Reads the elements up to {@code end}, descending into the ones that hold what we want. */
    private void children(long end) throws IOException {
        while (in.getFilePointer() < end && in.getFilePointer() < in.length()) {
            long id = readId();
            long size = readSize();
            long start = in.getFilePointer();
            long stop = size == UNKNOWN ? end : Math.min(end, start + size);
            if (id == CLUSTER) {
                return; // media data from here on
            } else if (id == SEGMENT || id == INFO || id == TRACKS || id == TRACK_ENTRY) {
                children(stop);
            } else if (id == TIMECODE_SCALE) {
                timecodeScale = readUnsigned((int) size);
            } else if (id == DURATION) {
                duration = size == 4 ? in.readFloat() : in.readDouble();
            } else if (id == TITLE) {
                title = readString((int) size);
            } else if (id == CODEC_ID) {
                codecs.add(readString((int) size));
            }
            if (size != UNKNOWN) {
                in.seek(stop);
            }
        }
    }

    /** An element id: its length is given by the leading zero bits of the first byte (marker bits kept). */
    private long readId() throws IOException {
        int first = in.readUnsignedByte();
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (length < 1 || length > 4) {
            throw new IOException("bad EBML element id");
        }
        long id = first;
        for (int i = 1; i < length; i++) {
            id = (id << 8) | in.readUnsignedByte();
        }
        return id;
    }

    /** A variable-length size (marker bit removed); all ones means unknown. */
    private long readSize() throws IOException {
        int first = in.readUnsignedByte();
        int length = Integer.numberOfLeadingZeros(first) - 23;
        if (length < 1 || length > 8) {
            throw new IOException("bad EBML element size");
        }
        long value = first & (0xFF >> length);
        boolean allOnes = length < 8 && value == (0xFF >> length) || length == 8 && first == 0x01;
        for (int i = 1; i < length; i++) {
            int b = in.readUnsignedByte();
            allOnes &= b == 0xFF;
            value = (value << 8) | b;
        }
        return allOnes ? UNKNOWN : value;
    }

    private long readUnsigned(int size) throws IOException {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v = (v << 8) | in.readUnsignedByte();
        }
        return v;
    }

    private String readString(int size) throws IOException {
        byte[] b = new byte[Math.min(size, 4096)];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8).replace("\0", "");
    }
}
