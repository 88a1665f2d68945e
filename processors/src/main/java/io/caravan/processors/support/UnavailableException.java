package io.caravan.processors.support;

/** Nothing can serve the request right now (no writable node, no readable replica, a node failed midway); trying later may work. */
public class UnavailableException extends CaravanException {

    private final int retryAfterSeconds;

    public UnavailableException(String message) {
        this(message, 0);
    }

    /** @param retryAfterSeconds when to try again (the HTTP answer's {@code Retry-After}); 0 for no hint */
    public UnavailableException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
        this.retryAfterSeconds = 0;
    }

    /** Seconds after which trying again may work; 0 when there is no hint. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
