package io.caravan.processors.netty;

import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.StringJoiner;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import org.apache.camel.component.netty.http.HttpServerConsumerChannelFactory;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.handlers.HttpServerChannelHandler;
import org.apache.camel.util.StringHelper;
import org.apache.camel.util.UnsafeUriCharactersEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each request on a port to the route consumer serving its path, as netty-http's multiplex handler does, with
 * the consumers' paths split once ({@link HttpConsumerPaths}) instead of on every request.
 *
 * <p>Everything else is netty-http's behaviour: an {@code OPTIONS} request a route does not take answers {@code 200}
 * with {@code Allow}; a request no route takes answers {@code 404}, or {@code 405} when another method would be
 * taken (Caravan's catch-all route {@code not-found} takes them all before that); an exception goes to the
 * consumer that took the request.
 */
@Sharable
public class CaravanHttpDispatcher extends SimpleChannelInboundHandler<Object> implements HttpServerConsumerChannelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(CaravanHttpDispatcher.class);
    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH");
    private static final AttributeKey<HttpServerChannelHandler> HANDLER = AttributeKey.valueOf(CaravanHttpDispatcher.class, "handler");

    private volatile HttpConsumerPaths<HttpServerChannelHandler> paths = HttpConsumerPaths.empty();
    /** A consumer that proxies every request (netty-http's {@code httpProxy}): it takes them all. */
    private volatile HttpServerChannelHandler proxy;
    private int port;
    private String token;

    @Override
    public void init(int port) {
        this.port = port;
        this.token = ":" + port;
    }

    @Override
    public synchronized void addConsumer(NettyHttpConsumer consumer) {
        use(paths.with(new HttpServerChannelHandler(consumer), consumer.getConfiguration().getPath(),
                consumer.getEndpoint().getHttpMethodRestrict(), consumer.getEndpoint().getConfiguration().isMatchOnUriPrefix()));
    }

    @Override
    public synchronized void removeConsumer(NettyHttpConsumer consumer) {
        use(paths.without(h -> h.getConsumer() == consumer));
    }

    private void use(HttpConsumerPaths<HttpServerChannelHandler> next) {
        proxy = next.consumers().stream().filter(h -> h.getConsumer().getConfiguration().isHttpProxy()).findFirst().orElse(null);
        paths = next;
    }

    @Override
    public int consumers() {
        return paths.size();
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public ChannelHandler getChannelHandler() {
        return this;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
        HttpRequest request = msg instanceof HttpRequest r ? r : ((InboundStreamHttpRequest) msg).getHttpRequest();
        String method = request.method().name();
        String path = path(request.uri());
        HttpServerChannelHandler handler = route(method, path);
        if (handler == null) {
            boolean otherMethod = METHODS.stream().anyMatch(m -> route(m, path) != null);
            answer(ctx, otherMethod ? HttpResponseStatus.METHOD_NOT_ALLOWED : HttpResponseStatus.NOT_FOUND, null);
            return;
        }
        String restrict = handler.getConsumer().getEndpoint().getHttpMethodRestrict();
        if (method.equals("OPTIONS") && (restrict == null || !restrict.contains("OPTIONS"))) {
            StringJoiner allow = new StringJoiner(",");
            METHODS.stream().filter(m -> route(m, path) != null).forEach(allow::add);
            answer(ctx, HttpResponseStatus.OK, allow.toString().contains("OPTIONS") ? allow.toString() : allow + ",OPTIONS");
            return;
        }
        ctx.channel().attr(HANDLER).set(handler);
        if (msg instanceof HttpContent content) {
            content.content().retain(); // SimpleChannelInboundHandler releases it after this method
        }
        handler.channelRead(ctx, msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        HttpServerChannelHandler handler = ctx.channel().attr(HANDLER).get();
        if (handler != null) {
            handler.exceptionCaught(ctx, cause);
        } else if (cause instanceof ClosedChannelException) {
            LOG.debug("Channel already closed: {}", cause.getMessage());
        } else {
            LOG.warn("No route took the request this exception belongs to; answering 404", cause);
            answer(ctx, HttpResponseStatus.NOT_FOUND, null);
        }
    }

    /** The handler of the consumer taking {@code method} on {@code path} (as {@link #path} gives it), or null. */
    HttpServerChannelHandler route(String method, String path) {
        HttpServerChannelHandler p = proxy;
        return p != null ? p : paths.match(method, path);
    }

    /** The request's path as netty-http matches it: after any {@code host:port}, without query or trailing slash. */
    String path(String uri) {
        int at = uri.indexOf(token);
        String path = at > -1 ? uri.substring(at + token.length()) : uri;
        if (path.equals("/")) {
            return "";
        }
        path = StringHelper.before(path, "?", path);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return UnsafeUriCharactersEncoder.encodeHttpURI(path);
    }

    private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String allow) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow);
        }
        ctx.writeAndFlush(response);
        ctx.close();
    }
}
