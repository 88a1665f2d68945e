package io.caravan.processors.files;

import io.caravan.connectors.catalogue.IdBlockStore;

/**
 * Hands out unique sequence numbers from the database, a block at a time ({@link IdBlockStore}): concurrent
 * gateways take disjoint blocks. Values left in a block when a gateway stops are skipped, never reused.
 */
public class IdAllocator {

    private final IdBlockStore blocks;
    private final String sequence;
    private final int blockSize;
    private long next;
    private long end;

    /**
     * @param sequence  the name of the sequence (e.g. {@code files})
     * @param blockSize how many values one database round trip reserves ({@code caravan.id.block-size})
     */
    public IdAllocator(IdBlockStore blocks, String sequence, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1");
        }
        this.blocks = blocks;
        this.sequence = sequence;
        this.blockSize = blockSize;
    }

    /** The next value; takes a new block from the database when the current one is used up. */
    public synchronized long next() {
        if (next >= end) {
            end = blocks.take(sequence, blockSize);
            next = end - blockSize;
        }
        return next++;
    }

    /** A new file id for a file called {@code name}. */
    public String newFileId(String name) {
        return FileIds.newId(next(), name);
    }
}
