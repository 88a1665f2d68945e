package io.caravan.processors.netty;

import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.http.base.HttpHelper;
import io.caravan.processors.metrics.CaravanMetrics;

/**
 * netty-http's binding, plus path parameters and these changes:
 * <ul>
 * <li>{@code /files/{id}} gives the header {@code id}, keeping the raw, still percent-encoded text of the path,
 * so {@code %2e%2e} or {@code %00} can never become a path (netty-http's {@code RestNettyHttpBinding} decodes
 * them);</li>
 * <li>a request body is never parsed as form fields: Caravan reads bodies itself, and the default parsing
 * throws outside the route, leaving the client without any answer, when a body such as JSON is sent with
 * curl's default {@code application/x-www-form-urlencoded};</li>
 * <li>a Netty response a route answers with is finished on its way out ({@link HttpResponses#finish}), so no
 * route has to;</li>
 * <li>a complete response to a {@code HEAD} goes out with its {@code Content-Length} and without its body, so a
 * route answering GET and HEAD answers HEAD as a GET's header fields;</li>
 * <li>every answer is counted in {@code caravan_http_requests_seconds} by route and status, timed from the request's
 * arrival to its response head.</li>
 * </ul>
 */
public class CaravanHttpBinding extends DefaultNettyHttpBinding {

    /** The exchange property holding {@link System#nanoTime()} at the request's arrival. */
    static final String STARTED = "CaravanRequestStarted";
    /** The exchange property set when the request is a {@code HEAD}. */
    static final String HEAD = "CaravanHeadRequest";

    private final CaravanMetrics metrics;

    public CaravanHttpBinding() {
        this(new CaravanMetrics(false));
    }

    public CaravanHttpBinding(CaravanMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void populateCamelHeaders(HttpRequest request, Map<String, Object> headers, Exchange exchange,
                                     NettyHttpConfiguration configuration) throws Exception {
        exchange.setProperty(STARTED, System.nanoTime());
        if (HttpMethod.HEAD.equals(request.method())) {
            exchange.setProperty(HEAD, true); // a property: routes may remove every header (http-page does)
        }
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (request instanceof FullHttpRequest && type != null
                && type.toLowerCase().startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
            HttpRequest withoutType = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                    request.headers().copy().remove(HttpHeaderNames.CONTENT_TYPE));
            super.populateCamelHeaders(withoutType, headers, exchange, configuration);
            headers.put(Exchange.CONTENT_TYPE, type);
        } else {
            super.populateCamelHeaders(request, headers, exchange, configuration);
        }
        String pattern = configuration.getPath();
        if (pattern != null && pattern.indexOf('{') >= 0) {
            HttpHelper.evalPlaceholders(headers, rawPath(request.uri()), pattern);
        }
    }

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        HttpResponse response = super.toNettyResponse(message, configuration);
        Exchange exchange = message.getExchange();
        if (message.getBody() instanceof HttpResponse) {
            HttpResponses.finish(exchange, response);
        }
        if (response instanceof FullHttpResponse full && full.content().isReadable()
                && exchange.getProperty(HEAD) != null) {
            // HEAD: the header fields of the GET, Content-Length included, and no body (RFC 9110 9.3.2)
            HttpUtil.setContentLength(full, full.content().readableBytes());
            HttpResponse head = full.replace(Unpooled.EMPTY_BUFFER);
            full.release();
            response = head;
        }
        ChannelHandlerContext ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT, ChannelHandlerContext.class);
        if (ctx != null && HalfCloseDecoder.answered(ctx.channel())) {
            HttpResponses.closeAfter(exchange, response); // the client has half-closed: its last answer, then the connection closes
        }
        if (metrics.enabled() && exchange.getProperty(STARTED) instanceof Long started) {
            metrics.request(exchange.getFromRouteId(), response.status().code(), System.nanoTime() - started);
        }
        return response;
    }

    /** The path of a request URI ({@code /a/b?c} or {@code http://host/a/b?c}) without its query, still percent-encoded. */
    static String rawPath(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.startsWith("http://") || path.startsWith("https://")) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }
}
