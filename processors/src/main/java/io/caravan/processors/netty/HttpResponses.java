package io.caravan.processors.netty;

import java.util.LinkedHashMap;
import java.util.Map;

import io.caravan.processors.support.CaravanHeaders;
import io.caravan.processors.support.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

/**
 * Builds complete Netty responses (JSON, errors, empty ones) and finishes them on their way out
 * ({@link CaravanHttpBinding}).
 *
 * <p>A route whose body is a Netty {@link HttpResponse} gets it sent as-is by netty-http: no request
 * header is echoed back and nothing is buffered twice.
 */
public final class HttpResponses {

    /** Every response tells browsers not to guess a type other than the one it names. */
    private static final String NOSNIFF = CaravanHeaders.CONTENT_TYPE_OPTIONS;

    private HttpResponses() {
    }

    /** A JSON response with exact Content-Length. */
    public static FullHttpResponse json(int status, Object body) {
        byte[] bytes = Json.bytes(body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(NOSNIFF, "nosniff");
        return r;
    }

    /** A text response of {@code contentType} with exact Content-Length. */
    public static FullHttpResponse text(int status, String contentType, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        r.headers().set(NOSNIFF, "nosniff");
        return r;
    }

    /** The JSON error body {@code {"error": "...", "status": N}}. */
    public static FullHttpResponse error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return json(status, body);
    }

    /** A response with no body (204, 304, HEAD). */
    public static FullHttpResponse empty(HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        if (status.code() != 204 && status.code() != 304) {
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        r.headers().set(NOSNIFF, "nosniff");
        return r;
    }

    /**
     * Adds the headers every response carries and honours {@code Connection: close}: netty-http leaves
     * that to us when the body is already a Netty response. A request body still arriving that nobody will
     * read closes the connection once the response is out.
     */
    public static void finish(Exchange exchange, HttpResponse response) {
        response.headers().set(NOSNIFF, "nosniff");
        boolean close = HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
                exchange.getIn().getHeader(HttpHeaderNames.CONNECTION.toString(), "", String.class));
        if (exchange.getIn().getBody() instanceof RequestBodyStream body && !body.isComplete()) {
            body.close();
            close = true;
        }
        if (close) {
            closeAfter(exchange, response);
        }
    }

    /** Closes the connection once {@code response} is out (after its body, for a streamed one), with {@code Connection: close}. */
    public static void closeAfter(Exchange exchange, HttpResponse response) {
        ChannelHandlerContext ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                ChannelHandlerContext.class);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (response instanceof MediaResponse media && ctx != null) {
            media.closeConnectionWhenDone(ctx.channel()); // after the body, not after the headers
        } else {
            exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
        }
    }

    /** The request path without the query string, still percent-encoded. */
    public static String rawPath(Exchange exchange) {
        return CaravanHttpBinding.rawPath(exchange.getIn().getHeader(Exchange.HTTP_URI, "", String.class));
    }
}
