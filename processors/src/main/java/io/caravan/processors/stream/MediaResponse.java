package io.caravan.processors.stream;

import java.io.ByteArrayInputStream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
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

    @Override
    public HttpContent readChunk(ByteBufAllocator allocator) throws Exception {
        return input.readChunk(allocator);
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
