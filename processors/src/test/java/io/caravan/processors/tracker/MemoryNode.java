package io.caravan.processors.tracker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;

/** A storage node in memory whose health a test sets: answering, failing every call, or hanging on writes. */
public final class MemoryNode implements StorageNode {

    private final String name;
    private final String group;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    private volatile boolean failing;
    private volatile CountDownLatch hang;
    private volatile long free = 1_000_000;
    private volatile String identity;

    public MemoryNode(String name, String group) {
        this.name = name;
        this.group = group;
    }

    /** Every call fails from now on (a disk gone, a server down), or works again. */
    public MemoryNode failing(boolean failing) {
        this.failing = failing;
        return this;
    }

    /** Writes block until {@link #release()} (a node that stopped answering without failing). */
    public MemoryNode hanging() {
        hang = new CountDownLatch(1);
        return this;
    }

    public void release() {
        CountDownLatch h = hang;
        hang = null;
        if (h != null) {
            h.countDown();
        }
    }

    public MemoryNode free(long bytes) {
        this.free = bytes;
        return this;
    }

    /** What a test reads as the node's identity (null: none), as if a disk were swapped. */
    public MemoryNode identity(String identity) {
        this.identity = identity;
        return this;
    }

    public String identity() {
        return identity;
    }

    @Override
    public java.util.Optional<String> readIdentity() throws IOException {
        check();
        return java.util.Optional.ofNullable(identity);
    }

    @Override
    public void writeIdentity(String identity) throws IOException {
        check();
        this.identity = identity;
    }

    @Override
    public boolean isEmpty() throws IOException {
        check();
        return objects.keySet().stream().noneMatch(k -> !k.startsWith(PROBE_PREFIX));
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
        return "memory";
    }

    private void check() throws IOException {
        if (failing) {
            throw new IOException(name + " is down");
        }
    }

    @Override
    public long write(String key, InputStream in) throws IOException {
        check();
        CountDownLatch h = hang;
        if (h != null) {
            try {
                h.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        byte[] bytes = in.readAllBytes();
        objects.put(key, bytes);
        return bytes.length;
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        check();
        byte[] b = objects.get(key);
        if (b == null) {
            throw new IOException("no such object " + key);
        }
        return new ByteArrayInputStream(Arrays.copyOfRange(b, (int) offset, (int) (offset + length)));
    }

    @Override
    public StoredObject stat(String key) throws IOException {
        check();
        byte[] b = objects.get(key);
        return b == null ? null : new StoredObject(key, b.length, 1);
    }

    @Override
    public void list(Consumer<StoredObject> visitor) throws IOException {
        check();
        objects.forEach((k, v) -> visitor.accept(new StoredObject(k, v.length, 1)));
    }

    @Override
    public boolean delete(String key) throws IOException {
        check();
        return objects.remove(key) != null;
    }

    @Override
    public long freeSpace() throws IOException {
        check();
        return free;
    }
}
