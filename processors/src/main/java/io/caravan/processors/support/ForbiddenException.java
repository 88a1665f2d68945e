package io.caravan.processors.support;

/** The request lacks the right to what it asks (a missing or forged signature). */
public class ForbiddenException extends CaravanException {

    public ForbiddenException(String message) {
        super(message);
    }

    public ForbiddenException(String message, Throwable cause) {
        super(message, cause);
    }
}
