package io.caravan.connectors.catalogue;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * The {@code id_blocks} table: a block of a named sequence's values is taken with
 * {@code UPDATE id_blocks SET next_value = next_value + size} and a {@code SELECT} in one transaction, so
 * concurrent gateways take disjoint blocks (the row lock orders them). The SQL runs on H2 and PostgreSQL alike.
 */
public final class IdBlockStore {

    private final Catalogue catalogue;

    IdBlockStore(Catalogue catalogue) {
        this.catalogue = catalogue;
    }

    /** Reserves the next {@code size} values of {@code sequence} (from 1); returns the value after the block's last. */
    public long take(String sequence, int size) {
        try {
            return takeOnce(sequence, size);
        } catch (CatalogueException first) {
            // two gateways may race to create the sequence row: the loser's insert fails, and it finds the row
            // on a second try (lost lock races are already run again by the transaction)
            return takeOnce(sequence, size);
        }
    }

    private long takeOnce(String sequence, int size) {
        return catalogue.transaction(c -> {
            int updated;
            try (PreparedStatement up = c.prepareStatement("UPDATE id_blocks SET next_value = next_value + ? WHERE name = ?")) {
                up.setLong(1, size);
                up.setString(2, sequence);
                updated = up.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO id_blocks (name, next_value) VALUES (?, ?)")) {
                    ins.setString(1, sequence);
                    ins.setLong(2, 1L + size);
                    ins.executeUpdate();
                }
            }
            try (PreparedStatement sel = c.prepareStatement("SELECT next_value FROM id_blocks WHERE name = ?")) {
                sel.setString(1, sequence);
                try (ResultSet rs = sel.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
