package io.caravan.processors.support;

/** A limit on how many of something may exist at once (live streams) is reached; trying later may work. */
public class TooManyException extends CaravanException {

    public TooManyException(String message) {
        super(message);
    }
}
