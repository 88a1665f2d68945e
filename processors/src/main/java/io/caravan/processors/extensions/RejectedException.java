package io.caravan.processors.extensions;

import io.caravan.processors.support.CaravanException;

/** An upload hook refused the upload: the client gets the hook's status (a 4xx) and reason. */
public class RejectedException extends CaravanException {

    private final int status;

    public RejectedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
