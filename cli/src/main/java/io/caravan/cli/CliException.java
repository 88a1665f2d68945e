package io.caravan.cli;

/** A failure that ends the command with a message ({@code caravan: <message>}) and one of the documented exit codes. */
final class CliException extends RuntimeException {

    static final int OK = 0;
    static final int ERROR = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int AUTH = 4;
    static final int VERIFICATION = 5;
    static final int UNAVAILABLE = 6;

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    static CliException verification(String message) {
        return new CliException(VERIFICATION, message);
    }

    static CliException unavailable(String message) {
        return new CliException(UNAVAILABLE, message);
    }

    /** The failure for an HTTP error status: 404/410 not found, 401/403 auth, 5xx unavailable, else other. */
    static CliException forStatus(int status, String message) {
        int code = switch (status) {
            case 404, 410 -> NOT_FOUND;
            case 401, 403 -> AUTH;
            default -> status >= 500 ? UNAVAILABLE : ERROR;
        };
        return new CliException(code, message);
    }
}
