package io.caravan.processors.netty;

import java.time.Duration;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Writes the responses whose bodies do not pass through the JVM heap. Sits right before netty-http's
 * response encoder (endpoint option {@code encoders}):
 * <ul>
 * <li>a {@link FileRegionResponse} as its headers, a {@link DefaultFileRegion} and the end of the message,
 * so Netty's transport sends the file with {@code transferTo}/sendfile. If the client goes away the region
 * is released, which closes the file;</li>
 * <li>a {@link RelayedResponse} (an S3 object) by an {@link HttpRelay} from the object's URL: responses
 * written meanwhile on the same connection wait for its end.</li>
 * </ul>
 */
public class ZeroCopyEncoder extends DefaultChannelHandlerFactory {

    private final Handler handler;

    /**
     * @param relayStall how long a relayed source may send nothing while the client is ready before the relay
     *                   gives up ({@code caravan.http.relay-stall-timeout})
     */
    public ZeroCopyEncoder(Duration relayStall) {
        this.handler = new Handler(relayStall.toMillis());
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return handler;
    }

    @ChannelHandler.Sharable
    private static final class Handler extends ChannelDuplexHandler implements HttpRelay.Writer {
        private final long relayStallMillis;

        Handler(long relayStallMillis) {
            this.relayStallMillis = relayStallMillis;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            HttpRelay relay = ctx.channel().attr(HttpRelay.ACTIVE).get();
            if (relay != null) {
                relay.enqueue(msg, promise);
            } else if (msg instanceof FileRegionResponse r) {
                ctx.write(new DefaultHttpResponse(r.protocolVersion(), r.status(), r.headers()));
                // the transport releases the region once written or failed, which closes the file
                ctx.write(new DefaultFileRegion(r.file(), r.offset(), r.length()));
                ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, promise);
            } else if (msg instanceof RelayedResponse r) {
                HttpRelay.start(ctx, r, promise, this, relayStallMillis);
            } else {
                ctx.write(msg, promise);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            HttpRelay relay = ctx.channel().attr(HttpRelay.ACTIVE).get();
            if (relay != null) {
                relay.clientWritable(ctx.channel().isWritable());
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            HttpRelay relay = ctx.channel().attr(HttpRelay.ACTIVE).get();
            if (relay != null) {
                relay.clientClosed();
            }
            super.channelInactive(ctx);
        }
    }
}
