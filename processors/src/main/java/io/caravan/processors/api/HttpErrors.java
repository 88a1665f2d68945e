package io.caravan.processors.api;

import java.io.IOException;

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
import org.apache.camel.Exchange;
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

    /** The answer for a path no route serves. */
    public FullHttpResponse notFound() {
        return HttpResponses.error(404, "no such resource");
    }

    private static String method(Exchange exchange) {
        return exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class);
    }
}
