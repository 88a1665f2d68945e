package io.caravan.processors.support;

/** Nothing can serve the request right now (no writable node, no readable replica, a node failed midway); trying later may work. */
public class UnavailableException extends CaravanException {

    public UnavailableException(String message) {
        super(message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
