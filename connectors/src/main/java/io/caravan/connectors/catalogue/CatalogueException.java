package io.caravan.connectors.catalogue;

import java.sql.SQLException;

/** The catalogue database failed (unreachable, a statement refused); clients hear "catalogue unavailable". */
public class CatalogueException extends RuntimeException {

    public CatalogueException(SQLException cause) {
        super("catalogue: " + cause.getMessage(), cause);
    }
}
