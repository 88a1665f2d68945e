package io.caravan.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
                 ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
                List<String> tables = new ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
                assertEquals(List.of("file_meta", "files", "id_blocks", "manifests", "node_config", "nodes", "outbox", "replicas"), tables);
            }
            // the columns added by ALTER TABLE after the first release are there
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = 'files' "
                         + "AND column_name IN ('blob', 'search_text') ORDER BY 1")) {
                assertTrue(rs.next() && rs.getString(1).equals("blob") && rs.next() && rs.getString(1).equals("search_text"));
            }
        } finally {
            Database.close(ds);
        }
    }
}
