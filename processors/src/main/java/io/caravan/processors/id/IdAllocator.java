package io.caravan.processors.id;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.caravan.connectors.jdbc.Database;

/**
 * Hands out unique sequence numbers from the database, a block at a time.
 *
 * <p>A block is taken with {@code UPDATE id_blocks SET next_value = next_value + size} and a
 * {@code SELECT} in one transaction: the row lock makes concurrent gateways take disjoint blocks.
 * A transaction that loses a lock race runs again ({@link Database#inTransaction}).
 * The SQL runs on H2 and PostgreSQL alike. Values left in a block when a gateway stops are skipped,
 * never reused.
 */
public class IdAllocator {

    private final DataSource ds;
    private final String sequence;
    private final int blockSize;
    private long next;
    private long end;

    /**
     * @param ds        the catalogue database
     * @param sequence  the name of the sequence row (e.g. {@code files})
     * @param blockSize how many values one database round trip reserves
     */
    public IdAllocator(DataSource ds, String sequence, int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be at least 1");
        }
        this.ds = ds;
        this.sequence = sequence;
        this.blockSize = blockSize;
    }

    /** The next value; takes a new block from the database when the current one is used up. */
    public synchronized long next() {
        if (next >= end) {
            try {
                takeBlock();
            } catch (SQLException first) {
                // two gateways may race to create the sequence row: the loser finds it on a second try
                try {
                    takeBlock();
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot allocate an id block: " + e.getMessage(), e);
                }
            }
        }
        return next++;
    }

    /** A new file id for a file called {@code name}. */
    public String newFileId(String name) {
        return FileIds.newId(next(), name);
    }

    private void takeBlock() throws SQLException {
        long last = Database.inTransaction(ds, c -> {
            int updated;
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE id_blocks SET next_value = next_value + ? WHERE name = ?")) {
                up.setLong(1, blockSize);
                up.setString(2, sequence);
                updated = up.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO id_blocks (name, next_value) VALUES (?, ?)")) {
                    ins.setString(1, sequence);
                    ins.setLong(2, 1L + blockSize);
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
        end = last;
        next = last - blockSize;
    }
}
