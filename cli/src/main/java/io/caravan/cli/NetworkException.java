package io.caravan.cli;

import java.io.IOException;

/** Reading a response body failed: the connection broke or stalled (exit code 6, unlike a local I/O error). */
final class NetworkException extends IOException {

    NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
