package io.caravan.processors.support;

/** A permission the request carries has run out (an expired signed URL). */
public class ExpiredException extends CaravanException {

    public ExpiredException(String message) {
        super(message);
    }

    public ExpiredException(String message, Throwable cause) {
        super(message, cause);
    }
}
