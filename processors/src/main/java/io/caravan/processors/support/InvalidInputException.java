package io.caravan.processors.support;

/** The input breaks a rule (a malformed id, a bad value, a body that is not what was announced). */
public class InvalidInputException extends CaravanException {

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
