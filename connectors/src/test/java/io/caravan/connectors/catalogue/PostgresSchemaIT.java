package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/**
 * The catalogue's migrations on a real PostgreSQL (Debian's, started by {@code .ci/run}; set
 * {@code CARAVAN_TEST_PG_URL}, {@code CARAVAN_TEST_PG_USER}, {@code CARAVAN_TEST_PG_PASSWORD} to run it locally):
 * the shape {@code schema.sql} shows, and a catalogue of the release before migrations brought to it.
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
    void should_migrate_to_the_shape_schema_sql_shows_once() throws Exception {
        DataSource ds = freshPostgres();
        try {
            SchemaTest.run(ds, "schema.sql");
            List<String> documented = SchemaTest.shape(ds);
            Database.close(ds);
            ds = freshPostgres();
            Database.migrate(ds);
            Database.migrate(ds);
            assertEquals(documented, SchemaTest.shape(ds));
            assertEquals(SchemaTest.migrations(), SchemaTest.versions(ds));
            assertTrue(documented.stream().anyMatch(l -> l.startsWith("replicas.blob ") && l.endsWith(" NOT NULL")), documented.toString());
        } finally {
            Database.close(ds);
        }
    }

    @Test
    void should_bring_a_catalogue_of_the_release_before_migrations_to_the_current_shape_keeping_its_files() throws Exception {
        DataSource ds = freshPostgres();
        try {
            SchemaTest.releaseBeforeMigrations(ds);
            Database.migrate(ds);
            Catalogue catalogue = new Catalogue(ds);
            StoredFile stored = catalogue.files().stored("1-aaaaaaaaaaaa.mp3").orElseThrow();
            assertEquals("song.mp3", stored.file().name());
            assertEquals("1-aaaaaaaaaaaa.mp3", stored.replicas().get(0).blob());
            assertEquals(77L, stored.replicas().get(0).verifiedMtime());
            assertEquals(Map.of("title", "Song"), catalogue.meta().of("1-aaaaaaaaaaaa.mp3"));
            List<String> expected = new java.util.ArrayList<>(List.of("0"));
            expected.addAll(SchemaTest.migrations());
            assertEquals(expected, SchemaTest.versions(ds));
        } finally {
            Database.close(ds);
        }
    }
}
