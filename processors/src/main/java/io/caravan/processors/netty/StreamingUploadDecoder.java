package io.caravan.processors.netty;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.camel.component.netty.DefaultChannelHandlerFactory;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;

/**
 * Streams upload bodies into the route instead of letting netty-http aggregate them in memory.
 *
 * <p>Sits right after Netty's request decoder. For a {@code POST} or {@code PUT} to one of the upload paths it hands the
 * route an {@link InboundStreamHttpRequest} whose body is a {@link RequestBodyStream}, and feeds that stream
 * with the body chunks as they arrive; {@code Expect: 100-continue} is answered by the stream, when the route
 * first reads it.
 * Every other request passes through untouched to the aggregator.
 */
public class StreamingUploadDecoder extends DefaultChannelHandlerFactory {

    /** Bytes of body buffered per upload before socket reads pause. */
    static final long HIGH_WATER = 4L * 1024 * 1024;

    private final Set<String> paths;
    private final long idleTimeoutMillis;

    /**
     * @param paths       the request paths whose POST and PUT bodies are streamed (e.g. {@code /files}); a segment {@code *}
     *                    stands for any one segment ({@code /files/*}{@code /derived/*})
     * @param idleTimeout how long an upload may send nothing before it fails ({@code caravan.http.upload-idle-timeout})
     */
    public StreamingUploadDecoder(Set<String> paths, Duration idleTimeout) {
        this.paths = Set.copyOf(paths);
        this.idleTimeoutMillis = idleTimeout.toMillis();
    }

    @Override
    public ChannelHandler newChannelHandler() {
        return new Handler();
    }

    private boolean streams(HttpRequest req) {
        if (!HttpMethod.POST.equals(req.method()) && !HttpMethod.PUT.equals(req.method())) {
            return false;
        }
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return matches(path)
                && (HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0);
    }

    private boolean matches(String path) {
        if (paths.contains(path)) {
            return true;
        }
        String[] parts = path.split("/", -1);
        for (String pattern : paths) {
            String[] want = pattern.split("/", -1);
            if (want.length == parts.length) {
                boolean all = true;
                for (int i = 0; i < want.length && all; i++) {
                    all = want[i].equals("*") ? !parts[i].isEmpty() : want[i].equals(parts[i]);
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        private RequestBodyStream body;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req && body == null && streams(req)) {
                boolean expectsContinue = HttpUtil.is100ContinueExpected(req);
                if (expectsContinue) {
                    // answered by the body stream when the route first reads the body: a request refused before
                    // (no API key, a hook) never hears 100 Continue and sends no body for nothing
                    req.headers().remove(HttpHeaderNames.EXPECT);
                }
                body = new RequestBodyStream(ctx.channel(), HIGH_WATER, idleTimeoutMillis, expectsContinue);
                ctx.fireChannelRead(new InboundStreamHttpRequest(req, body));
                if (msg instanceof HttpContent content) {
                    feed(content);
                }
                return;
            }
            if (msg instanceof HttpContent content && body != null) {
                feed(content);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private void feed(HttpContent content) {
            RequestBodyStream b = body;
            if (content.decoderResult().isFailure()) {
                // the decoder's end of a body cut short (the connection closed mid-body): a failure, never an end
                content.release();
                b.fail(new IOException("the upload was cut short: " + content.decoderResult().cause()));
                body = null;
                return;
            }
            b.offer(content.content());
            if (content instanceof LastHttpContent) {
                b.end();
                body = null;
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof ChannelInputShutdownEvent && body != null) {
                body.fail(new IOException("client stopped sending before the upload was complete"));
                body = null;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (body != null) {
                body.fail(new IOException("client closed the connection before the upload was complete"));
                body = null;
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (body != null) {
                body.fail(new IOException("upload failed: " + cause.getMessage(), cause));
                body = null;
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
