package io.caravan.processors.http;

import java.util.Map;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;

/**
 * netty-http's binding, minus one thing: it never parses a request body as form fields. Caravan reads
 * bodies itself, and the default parsing throws outside the route, leaving the client without any
 * answer, when a body such as JSON is sent with curl's default {@code application/x-www-form-urlencoded}.
 */
public class CaravanHttpBinding extends DefaultNettyHttpBinding {

    @Override
    public void populateCamelHeaders(HttpRequest request, Map<String, Object> headers, Exchange exchange,
                                     NettyHttpConfiguration configuration) throws Exception {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (request instanceof FullHttpRequest && type != null
                && type.toLowerCase().startsWith(HttpHeaderValues.APPLICATION_X_WWW_FORM_URLENCODED.toString())) {
            HttpRequest withoutType = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
                    request.headers().copy().remove(HttpHeaderNames.CONTENT_TYPE));
            super.populateCamelHeaders(withoutType, headers, exchange, configuration);
            headers.put(Exchange.CONTENT_TYPE, type);
            return;
        }
        super.populateCamelHeaders(request, headers, exchange, configuration);
    }
}
