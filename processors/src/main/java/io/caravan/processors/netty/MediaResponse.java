package io.caravan.processors.netty;

import java.io.ByteArrayInputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import org.apache.camel.component.netty.http.OutboundStreamHttpResponse;

/**
 * A streamed response with an exact Content-Length: netty-http's outbound stream handler writes
 * the headers, then pulls the body chunk by chunk as the socket drains (a file region read, or a
 * storage node's stream), so memory stays flat whatever the size. Closed on client abort.
 */
public class MediaResponse extends OutboundStreamHttpResponse {

    private static final byte[] NONE = new byte[0];

    private final HttpChunkedInput input;
    private volatile Channel closeWhenDone;

    public MediaResponse(HttpResponseStatus status, ChunkedInput<ByteBuf> body) {
        super(new ByteArrayInputStream(NONE), new DefaultHttpResponse(HttpVersion.HTTP_1_1, status));
        this.input = new HttpChunkedInput(body);
    }

    @Override
    public boolean isEndOfInput() throws Exception {
        return input.isEndOfInput();
    }

    @Override
    public void close() throws Exception {
        input.close();
    }

    @Override
    @Deprecated
    public HttpContent readChunk(ChannelHandlerContext ctx) throws Exception {
        return input.readChunk(ctx);
    }

    /**
     * Closes {@code channel} once the last chunk is written ({@code Connection: close}). netty-http's own
     * close-when-complete fires when the headers are written, which would cut the body short.
     */
    public void closeConnectionWhenDone(Channel channel) {
        this.closeWhenDone = channel;
    }

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) throws Exception {
        HttpContent chunk = input.readChunk(allocator);
        Channel ch = closeWhenDone;
        if (chunk instanceof LastHttpContent && ch != null) {
            closeWhenDone = null;
            // queued behind this last chunk by the chunked writer, then the connection closes
            ch.eventLoop().execute(() -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        }
        return chunk;
    }

    @Override
    public long length() {
        return input.length();
    }

    @Override
    public long progress() {
        return input.progress();
    }
}
