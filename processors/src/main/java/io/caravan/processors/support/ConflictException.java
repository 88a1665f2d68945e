package io.caravan.processors.support;

/** The request conflicts with the current state (a name taken, a scrub running, a node holding only copies). */
public class ConflictException extends CaravanException {

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
