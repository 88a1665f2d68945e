package io.caravan.processors.netty;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;

/**
 * Answers clients that half-close: one that shuts its sending side after the request ({@code nc -N}, some proxies)
 * still gets its answer, then the connection closes. Netty would close the connection at the client's FIN; here the
 * FIN only marks it, the requests in flight are answered with {@code Connection: close} ({@link #answered}), and an
 * idle half-closed connection is closed after what was already written.
 */
public class HalfCloseDecoder extends DefaultChannelHandlerFactory {

    /** Requests read on the connection and not answered yet. */
    static final AttributeKey<AtomicInteger> IN_FLIGHT = AttributeKey.valueOf("caravan.inFlight");
    /** Set once the client has shut its sending side. */
    static final AttributeKey<Boolean> HALF_CLOSED = AttributeKey.valueOf("caravan.halfClosed");

    /** How long an idle half-closed connection waits for an answer that was on its way out when the FIN came. */
    private static final long IDLE_CLOSE_MILLIS = 200;

    @Override
    public ChannelHandler newChannelHandler() {
        return new Handler();
    }

    /**
     * A response to a request of {@code channel} is on its way out: {@code true} when the client has half-closed and
     * no other request waits, so this answer must close the connection.
     */
    public static boolean answered(Channel channel) {
        AtomicInteger inFlight = channel.attr(IN_FLIGHT).get();
        int left = inFlight == null ? 0 : Math.max(0, inFlight.decrementAndGet());
        return left == 0 && Boolean.TRUE.equals(channel.attr(HALF_CLOSED).get());
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().config() instanceof SocketChannelConfig socket) {
                socket.setAllowHalfClosure(true);
            }
            ctx.channel().attr(IN_FLIGHT).set(new AtomicInteger());
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest) {
                AtomicInteger inFlight = ctx.channel().attr(IN_FLIGHT).get();
                if (inFlight != null) {
                    inFlight.incrementAndGet();
                }
            }
            super.channelRead(ctx, msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ChannelInputShutdownEvent) {
                Channel ch = ctx.channel();
                ch.attr(HALF_CLOSED).set(true);
                AtomicInteger inFlight = ch.attr(IN_FLIGHT).get();
                if (inFlight == null || inFlight.get() == 0) {
                    // nothing to answer; an answer handed over just now is written first (writes keep their order)
                    ch.eventLoop().schedule(() -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE),
                            IDLE_CLOSE_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
            super.userEventTriggered(ctx, evt);
        }
    }
}
