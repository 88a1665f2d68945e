package io.caravan.processors.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.caravan.connectors.catalogue.CatalogueException;
import io.caravan.processors.extensions.RejectedException;
import io.caravan.processors.netty.HttpResponses;
import io.caravan.processors.netty.RequestBodyStream;
import io.caravan.processors.support.CaravanException;
import io.caravan.processors.support.ConflictException;
import io.caravan.processors.support.ExpiredException;
import io.caravan.processors.support.ForbiddenException;
import io.caravan.processors.support.InvalidInputException;
import io.caravan.processors.support.NotFoundException;
import io.caravan.processors.support.TooLargeException;
import io.caravan.processors.support.TooManyException;
import io.caravan.processors.support.UnavailableException;
import io.caravan.processors.support.CaravanHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exception that ended an HTTP exchange into a JSON error response (bean {@code httpErrors}, called by
 * the {@code http-errors} route configuration): the status is chosen here, from the kind of failure.
 */
public class HttpErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    /** Sets the exchange body to the error response for the caught exception. */
    public void respond(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        if (cause instanceof CaravanException refused) {
            status = status(refused);
            message = refused.getMessage();
        } else if (cause instanceof CatalogueException) {
            status = 503;
            message = "catalogue unavailable";
            LOG.warn("{} {} failed: {}", method(exchange), HttpResponses.rawPath(exchange), cause.getMessage());
        } else if (cause instanceof IOException && exchange.getIn().getBody() instanceof RequestBodyStream) {
            status = 400;
            message = "upload interrupted: " + cause.getMessage();
        } else {
            status = 500;
            message = "internal error";
            LOG.error("{} {} failed", method(exchange), HttpResponses.rawPath(exchange), cause);
        }
        FullHttpResponse response = HttpResponses.error(status, message);
        if (cause instanceof UnavailableException later && later.retryAfterSeconds() > 0) {
            response.headers().set(io.netty.handler.codec.http.HttpHeaderNames.RETRY_AFTER, later.retryAfterSeconds());
        }
        // finished here as well as by the binding: only now is the body still the request's, whose unread rest
        // (a refused upload) must close the connection once the error is out
        HttpResponses.finish(exchange, response);
        exchange.getMessage().setBody(response);
    }

    /** The status of a refusal. */
    static int status(CaravanException refused) {
        if (refused instanceof RejectedException hook) {
            return hook.status();
        } else if (refused instanceof InvalidInputException) {
            return 400;
        } else if (refused instanceof UnauthorizedException) {
            return 401;
        } else if (refused instanceof ForbiddenException) {
            return 403;
        } else if (refused instanceof NotFoundException) {
            return 404;
        } else if (refused instanceof ConflictException) {
            return 409;
        } else if (refused instanceof ExpiredException) {
            return 410;
        } else if (refused instanceof UnavailableException) {
            return 503;
        } else if (refused instanceof TooLargeException) {
            return 413;
        } else if (refused instanceof TooManyException) {
            return 429;
        }
        return 500;
    }

    /** The methods of HTTP (RFC 9110 §9 and PATCH): anything else is 501. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

    /** A route's path as a pattern, and the methods it answers. */
    private record Routed(Pattern path, Set<String> methods) {
    }

    private volatile List<Routed> routed;
    private volatile int endpointsSeen = -1;

    /**
     * The answer for a request no route took: {@code 501} for a method HTTP does not define, {@code 405} with
     * {@code Allow} for a path that routes answer with other methods, else {@code 404}.
     */
    public FullHttpResponse unrouted(Exchange exchange) {
        String method = method(exchange);
        if (method == null || !KNOWN_METHODS.contains(method)) {
            return HttpResponses.error(501, "method " + method + " is not implemented");
        }
        String path = HttpResponses.rawPath(exchange);
        Set<String> allowed = new TreeSet<>();
        for (Routed r : routes(exchange.getContext())) {
            if (r.path().matcher(path).matches()) {
                allowed.addAll(r.methods());
            }
        }
        if (allowed.isEmpty()) {
            return HttpResponses.error(404, "no such resource");
        }
        FullHttpResponse r = HttpResponses.error(405, "method " + method + " is not allowed here; allowed: " + String.join(", ", allowed));
        r.headers().set(HttpHeaderNames.ALLOW, String.join(", ", allowed));
        return r;
    }

    /** The method-restricted netty-http routes, read again when routes come or go (extensions). */
    private List<Routed> routes(CamelContext context) {
        int seen = context.getEndpoints().size();
        List<Routed> r = routed;
        if (r != null && seen == endpointsSeen) {
            return r;
        }
        List<Routed> out = new ArrayList<>();
        for (Endpoint e : context.getEndpoints()) {
            if (e instanceof NettyHttpEndpoint http && http.getConfiguration().getPath() != null
                    && http.getHttpMethodRestrict() != null && !http.getHttpMethodRestrict().isBlank()) {
                Set<String> methods = new TreeSet<>();
                for (String m : http.getHttpMethodRestrict().split(",")) {
                    methods.add(m.trim().toUpperCase(Locale.ROOT));
                }
                out.add(new Routed(pathPattern(http.getConfiguration().getPath(), http.getConfiguration().isMatchOnUriPrefix()), methods));
            }
        }
        routed = out;
        endpointsSeen = seen;
        return out;
    }

    /** {@code /files/{id}/hls/{file}} as a pattern: each {@code {name}} one segment; a trailing slash optional. */
    static Pattern pathPattern(String path, boolean prefix) {
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("\\{[^}]+}").matcher(path);
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(path.substring(at, m.start()))).append("[^/]+");
            at = m.end();
        }
        String rest = path.substring(at);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        re.append(Pattern.quote(rest)).append(prefix ? "(/.*)?" : "/?");
        return Pattern.compile(re.toString());
    }

    private static String method(Exchange exchange) {
        return exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class);
    }
}
