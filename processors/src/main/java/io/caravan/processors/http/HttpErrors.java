package io.caravan.processors.http;

import java.io.IOException;

import io.caravan.processors.catalogue.Catalogue;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the exception that ended an HTTP exchange into a JSON error response (bean {@code httpErrors}). */
public class HttpErrors {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    /** Sets the exchange body to the error response for the caught exception. */
    public void respond(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        if (cause instanceof CaravanException ce) {
            status = ce.status();
            message = ce.getMessage();
        } else if (cause instanceof Catalogue.CatalogueException) {
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
        exchange.getMessage().setBody(HttpResponses.error(exchange, status, message));
    }

    /** The answer for a path no route serves. */
    public void notFound(Exchange exchange) {
        exchange.getMessage().setBody(HttpResponses.error(exchange, 404, "no such resource"));
    }

    private static String method(Exchange exchange) {
        return exchange.getIn().getHeader(CaravanHeaders.HTTP_METHOD, String.class);
    }
}
