package io.caravan.processors.http;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.caravan.processors.stream.MediaResponse;
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
 * Builds complete Netty responses (JSON, errors) and finishes any response the routes return as a body.
 *
 * <p>A route whose body is a Netty {@link HttpResponse} gets it sent as-is by netty-http: no request
 * header is echoed back and nothing is buffered twice.
 */
public final class HttpResponses {

    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private HttpResponses() {
    }

    /** A JSON response with exact Content-Length. */
    public static FullHttpResponse json(Exchange exchange, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        finish(exchange, r);
        return r;
    }

    /** The JSON error body {@code {"error": "...", "status": N}}. */
    public static FullHttpResponse error(Exchange exchange, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("status", status);
        return json(exchange, status, body);
    }

    /** A response with no body (204, 304, HEAD). */
    public static FullHttpResponse empty(Exchange exchange, HttpResponseStatus status) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        if (status.code() != 204 && status.code() != 304) {
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        finish(exchange, r);
        return r;
    }

    /**
     * Adds the headers every response carries and honours {@code Connection: close}: netty-http leaves
     * that to us when the body is already a Netty response.
     */
    public static void finish(Exchange exchange, HttpResponse response) {
        response.headers().set("X-Content-Type-Options", "nosniff");
        boolean close = exchange != null && HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
                exchange.getIn().getHeader(HttpHeaderNames.CONNECTION.toString(), "", String.class));
        if (exchange != null && exchange.getIn().getBody() instanceof RequestBodyStream body && !body.isComplete()) {
            // the client is still sending a body we will not read: close once the response is out
            body.close();
            close = true;
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ChannelHandlerContext ctx = exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT,
                    ChannelHandlerContext.class);
            if (response instanceof MediaResponse media && ctx != null) {
                media.closeConnectionWhenDone(ctx.channel()); // after the body, not after the headers
            } else {
                exchange.setProperty(NettyConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
            }
        }
    }

    /** The request path without the query string, still percent-encoded. */
    public static String rawPath(Exchange exchange) {
        String uri = exchange.getIn().getHeader(CaravanHeaders.HTTP_URI, "", String.class);
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.startsWith("http://") || path.startsWith("https://")) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return path;
    }
}
