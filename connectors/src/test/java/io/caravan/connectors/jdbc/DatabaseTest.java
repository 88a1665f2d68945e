package io.caravan.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database#compact} on a real H2 file that commits at once (WRITE_DELAY=0), as Caravan's does. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void should_rewrite_the_sparse_chunks_of_an_h2_file_and_keep_every_row() throws Exception {
        // H2 rewrites only chunks older than its retention time (45 s by default): 500 ms here
        DataSource ds = Database.open("jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=500", "sa", "");
        try {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (k INT PRIMARY KEY, v VARCHAR(200))");
                // one commit per new row, as uploads do: every commit writes a chunk with the changed pages, and
                // the next commits leave most of it dead (the path to the newest leaf) but some of it live
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, v) VALUES (?, ?)")) {
                    for (int i = 0; i < 5000; i++) {
                        ps.setInt(1, i);
                        ps.setString(2, "value " + i + " ".repeat(100));
                        ps.executeUpdate();
                    }
                }
            }
            Thread.sleep(1000);
            int before = chunksFillRate(ds);
            int after = Database.compact(ds, 80, 64 << 20);
            assertTrue(before < 50, "the chunks of one-commit-per-row writes are sparse: " + before + "%");
            assertTrue(after > before, "the sparse chunks were rewritten: " + before + "% -> " + after + "%");
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CAST(TRIM(SUBSTRING(v, 7)) AS INT)) FROM t")) {
                rs.next();
                assertEquals(5000, rs.getInt(1));
                assertEquals(4999L * 5000 / 2, rs.getLong(2), "every row kept its value");
            }
        } finally {
            Database.close(ds);
        }
    }

    @Test
    void should_do_nothing_for_a_database_without_a_file() throws Exception {
        DataSource ds = Database.open("jdbc:h2:mem:compact-none", "sa", "");
        try {
            assertEquals(-1, Database.compact(ds, 80, 1 << 20));
        } finally {
            Database.close(ds);
        }
    }

    private static int chunksFillRate(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection()) {
            MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
            return store.getFileStore().getChunksFillRate();
        }
    }
}
