package io.caravan.processors.http;

/** A failure with the HTTP status the client gets for it; the message goes into the JSON error body. */
public class CaravanException extends RuntimeException {

    private final int status;

    public CaravanException(int status, String message) {
        super(message);
        this.status = status;
    }

    public CaravanException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static CaravanException badRequest(String message) {
        return new CaravanException(400, message);
    }

    public static CaravanException notFound(String message) {
        return new CaravanException(404, message);
    }
}
