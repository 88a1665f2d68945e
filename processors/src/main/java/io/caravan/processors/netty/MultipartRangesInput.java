package io.caravan.processors.netty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.caravan.processors.serving.ByteRange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A {@code multipart/byteranges} body (RFC 9110 §14.6), streamed: part headers are small buffers, each
 * part's bytes are opened only when the part before it is done.
 */
public final class MultipartRangesInput implements ChunkedInput<ByteBuf> {

    /** Opens the bytes of one range. */
    public interface Opener {
        ChunkedInput<ByteBuf> open(ByteRange range) throws Exception;
    }

    private final List<Object> segments = new ArrayList<>();
    private final Opener opener;
    private final long length;
    private int next;
    private ChunkedInput<ByteBuf> current;
    private long progress;

    public MultipartRangesInput(List<ByteRange> ranges, long size, String contentType, String boundary, Opener opener) {
        this.opener = opener;
        long total = 0;
        for (ByteRange r : ranges) {
            byte[] head = ("\r\n--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: "
                    + r.contentRange(size) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            segments.add(head);
            segments.add(r);
            total += head.length + r.length();
        }
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        segments.add(tail);
        this.length = total + tail.length;
    }

    @Override
    public boolean isEndOfInput() throws Exception {
        return current == null && next >= segments.size();
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
        while (true) {
            if (current != null) {
                if (!current.isEndOfInput()) {
                    ByteBuf chunk = current.readChunk(allocator);
                    if (chunk != null) {
                        progress += chunk.readableBytes();
                        return chunk;
                    }
                    if (!current.isEndOfInput()) {
                        return null;
                    }
                }
                current.close();
                current = null;
            }
            if (next >= segments.size()) {
                return null;
            }
            Object segment = segments.get(next++);
            if (segment instanceof byte[] bytes) {
                progress += bytes.length;
                return Unpooled.wrappedBuffer(bytes);
            }
            current = opener.open((ByteRange) segment);
        }
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return progress;
    }

    @Override
    public void close() throws Exception {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
