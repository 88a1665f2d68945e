package io.caravan.connectors.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A storage node on a local directory: every file is a plain file under {@code <dir>/<fan-out>/<key>}.
 *
 * <p>A write goes to {@code <dir>/.tmp/} first, is forced to disk, and is renamed into place only
 * when complete, so a crash never leaves a partial file under a real key.
 */
public class DiskStorageNode implements StorageNode {

    private static final HexFormat HEX = HexFormat.of();

    private static final int BUFFER = 256 * 1024;

    private final String name;
    private final String group;
    private final Path dir;
    private final Path tmp;

    /** Once an identity was seen here, every write checks it is still there (one stat). */
    private volatile boolean identified;

    public DiskStorageNode(String name, String group, Path dir) {
        this.name = name;
        this.group = group;
        this.dir = dir.toAbsolutePath().normalize();
        this.tmp = this.dir.resolve(".tmp");
    }

    /** The node's directory. */
    public Path directory() {
        return dir;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String group() {
        return group;
    }

    @Override
    public String kind() {
        return "disk";
    }

    /** Where the object for {@code key} lives: a two-hex-digit fan-out keeps directories small. */
    public Path pathOf(String key) {
        if (key.isEmpty() || key.contains("/") || key.contains("\\") || key.startsWith(".")) {
            throw new IllegalArgumentException("invalid storage key: " + key);
        }
        // the hash's low byte in two hex digits, as %02x gives it (String.format parses its pattern on every GET)
        return dir.resolve(HEX.toHexDigits((byte) key.hashCode())).resolve(key);
    }

    @Override
    public long write(String key, InputStream in) throws IOException {
        Path target = pathOf(key);
        if (identified && !Files.exists(dir.resolve(IDENTITY_KEY))) {
            // the disk went away since the last heartbeat (an empty mount point is left): not a byte to the wrong disk
            throw new IOException("node " + name + " lost its identity (" + dir.resolve(IDENTITY_KEY) + "): nothing is written to it");
        }
        ensureDirectory(tmp, identified);
        // a temporary name only has to be new (CREATE_NEW checks): no SecureRandom on every write
        Path part = tmp.resolve(key + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        long written = 0;
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[BUFFER];
                ByteBuffer wrap = ByteBuffer.wrap(buf);
                int n;
                while ((n = in.read(buf)) != -1) {
                    wrap.clear().limit(n);
                    while (wrap.hasRemaining()) {
                        out.write(wrap);
                    }
                    written += n;
                }
                out.force(true);
            }
            ensureDirectory(target.getParent(), identified);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
            syncDirectory(target.getParent());
            return written;
        } finally {
            if (!moved) {
                Files.deleteIfExists(part);
            }
        }
    }

    /**
     * Creates {@code directory} unless it is there (the common case costs one stat, not a failed mkdir); on an
     * identified node only inside the node's directory as it is, never the directory itself again (a disk taken
     * away while a write was under way must not come back as an empty directory on the disk below).
     */
    private static void ensureDirectory(Path directory, boolean inPlaceOnly) throws IOException {
        if (!Files.isDirectory(directory)) {
            if (inPlaceOnly) {
                try {
                    Files.createDirectory(directory);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another write made it
                }
            } else {
                Files.createDirectories(directory);
            }
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not every file system lets a directory be opened for sync; the data itself is forced
        }
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(pathOf(key), StandardOpenOption.READ);
        try {
            ch.position(offset);
            return new BoundedInputStream(Channels.newInputStream(ch), length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public StoredObject stat(String key) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(pathOf(key), BasicFileAttributes.class);
            return new StoredObject(key, a.size(), a.lastModifiedTime().toMillis());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.startsWith(tmp) || !Files.isRegularFile(p) || p.getParent().equals(dir)
                        || p.getFileName().toString().startsWith(PROBE_PREFIX)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                visitor.accept(new StoredObject(p.getFileName().toString(), a.size(), a.lastModifiedTime().toMillis()));
            }
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(pathOf(key));
    }

    @Override
    public long freeSpace() throws IOException {
        if (!identified) {
            Files.createDirectories(dir);
        }
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void prepare() throws IOException {
        if (!identified) {
            Files.createDirectories(dir); // an identified node's directory is its identity's: never made again
        }
    }

    @Override
    public Optional<String> readIdentity() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        try {
            Optional<String> identity = Optional.of(Files.readString(dir.resolve(IDENTITY_KEY)));
            identified = true;
            return identity;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void writeIdentity(String identity) throws IOException {
        Files.createDirectories(dir);
        Path part = dir.resolve(IDENTITY_KEY + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        try {
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(true);
            }
            Files.move(part, dir.resolve(IDENTITY_KEY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(dir);
            identified = true;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    @Override
    public boolean isEmpty() throws IOException {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.noneMatch(p -> !p.startsWith(tmp) && Files.isRegularFile(p) && !p.getParent().equals(dir)
                    && !p.getFileName().toString().startsWith(PROBE_PREFIX));
        }
    }

    @Override
    public Optional<Path> localFile(String key) {
        return Optional.of(pathOf(key));
    }

    @Override
    public String toString() {
        return "disk node " + name + " (" + group + ") at " + dir;
    }

    /** Reads at most {@code limit} bytes of the underlying stream. */
    static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
