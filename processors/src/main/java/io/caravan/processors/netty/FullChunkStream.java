package io.caravan.processors.netty;

import java.io.IOException;
import java.io.InputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * An {@link InputStream} (an S3 object) as response chunks of a full {@code chunkSize} bytes each: Netty's
 * {@code ChunkedStream} sends whatever one {@code read} returns, which from an HTTP client's stream is
 * often a few KiB, so a large object went out in many small writes.
 */
final class FullChunkStream implements ChunkedInput<ByteBuf> {

    private final InputStream in;
    private final int chunkSize;
    private final long length;
    private long sent;
    private boolean ended;

    /** {@code length}: the bytes the stream holds (the response's Content-Length). */
    FullChunkStream(InputStream in, long length, int chunkSize) {
        this.in = in;
        this.length = length;
        this.chunkSize = chunkSize;
    }

    @Override
    public boolean isEndOfInput() {
        return ended || sent >= length;
    }

    @Override
    public void close() throws Exception {
        in.close();
    }

    @Deprecated
    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        if (isEndOfInput()) {
            return null;
        }
        int want = (int) Math.min(chunkSize, length - sent);
        ByteBuf buf = allocator.heapBuffer(want);
        boolean ok = false;
        try {
            while (buf.writableBytes() > 0) {
                int n = buf.writeBytes(in, buf.writableBytes());
                if (n < 0) {
                    ended = true;
                    break;
                }
            }
            if (ended && sent + buf.readableBytes() < length) {
                throw new IOException("the stored object ended after " + (sent + buf.readableBytes()) + " of " + length + " bytes");
            }
            sent += buf.readableBytes();
            ok = true;
            return buf;
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return sent;
    }
}
