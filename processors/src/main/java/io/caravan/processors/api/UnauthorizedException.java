package io.caravan.processors.api;

import io.caravan.processors.support.CaravanException;

/** The request carries no API key, or a wrong one (401). */
public class UnauthorizedException extends CaravanException {

    public UnauthorizedException(String message) {
        super(message);
    }
}
