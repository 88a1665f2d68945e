package io.caravan.processors.support;

/** A body over the limit for what it is (a live segment, a playlist): nothing of it is kept. */
public class TooLargeException extends CaravanException {

    public TooLargeException(String message) {
        super(message);
    }
}
