package io.caravan.connectors.catalogue;

import java.sql.SQLException;
import java.util.UUID;

import org.h2.jdbcx.JdbcConnectionPool;

/** A fresh in-memory H2 catalogue database with Caravan's schema, one per test (dispose it after). */
public final class MemoryDatabase {

    private MemoryDatabase() {
    }

    public static JdbcConnectionPool open() throws SQLException {
        JdbcConnectionPool ds = JdbcConnectionPool.create("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Database.migrate(ds);
        return ds;
    }
}
