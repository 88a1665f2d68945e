package io.caravan.processors.support;

/**
 * Something Caravan refuses or cannot do right now, said in the domain's terms; the message is for the client.
 * The HTTP edge chooses the status from the subclass ({@code HttpErrors}).
 */
public abstract class CaravanException extends RuntimeException {

    protected CaravanException(String message) {
        super(message);
    }

    protected CaravanException(String message, Throwable cause) {
        super(message, cause);
    }
}
