package io.caravan.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/**
 * The catalogue schema on a real PostgreSQL (Debian's, started by {@code .ci/run}; set
 * {@code CARAVAN_TEST_PG_URL}, {@code CARAVAN_TEST_PG_USER}, {@code CARAVAN_TEST_PG_PASSWORD} to run it locally).
 */
class PostgresSchemaIT {

    static DataSource freshPostgres() throws Exception {
        String url = System.getenv("CARAVAN_TEST_PG_URL");
        assumeTrue(url != null && !url.isBlank(), "CARAVAN_TEST_PG_URL not set: no PostgreSQL to test against");
        DataSource ds = Database.open(url, System.getenv("CARAVAN_TEST_PG_USER"), System.getenv("CARAVAN_TEST_PG_PASSWORD"));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        return ds;
    }

    @Test
    void should_create_the_schema_twice_without_error() throws Exception {
        DataSource ds = freshPostgres();
        try {
            Database.migrate(ds);
            Database.migrate(ds);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
                rs.next();
                assertEquals(6, rs.getInt(1), "id_blocks, files, replicas, outbox, node_config, nodes");
            }
        } finally {
            Database.close(ds);
        }
    }
}
