package io.caravan.processors.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Writes a {@link FileRegionResponse} as its headers, a {@link DefaultFileRegion} and the end of the
 * message, so Netty's transport sends the file with {@code transferTo}/sendfile: no copy through the
 * JVM heap or direct buffers. Sits right before netty-http's response encoder (endpoint option
 * {@code encoders}). If the client goes away the region is released, which closes the file.
 */
public class ZeroCopyEncoder extends DefaultChannelHandlerFactory {

    private static final Handler HANDLER = new Handler();

    @Override
    public ChannelHandler newChannelHandler() {
        return HANDLER;
    }

    @ChannelHandler.Sharable
    private static final class Handler extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (!(msg instanceof FileRegionResponse r)) {
                ctx.write(msg, promise);
                return;
            }
            ctx.write(new DefaultHttpResponse(r.protocolVersion(), r.status(), r.headers()));
            // the transport releases the region once written or failed, which closes the file
            ctx.write(new DefaultFileRegion(r.file(), r.offset(), r.length()));
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, promise);
        }
    }
}
