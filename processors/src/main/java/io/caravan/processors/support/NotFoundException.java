package io.caravan.processors.support;

/** There is no such file, node or resource. */
public class NotFoundException extends CaravanException {

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    /** There is no stored file {@code id} (never uploaded, or deleted). */
    public static NotFoundException file(String id) {
        return new NotFoundException("no such file: " + id);
    }
}
