package io.caravan.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Database#compact} on a real H2 file that commits at once (WRITE_DELAY=0), as Caravan's does. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void should_rewrite_the_sparse_chunks_and_shrink_the_file_keeping_every_row() throws Exception {
        // H2 rewrites only chunks older than its retention time (45 s by default): 500 ms here
        String url = "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;RETENTION_TIME=500";
        Path file = dir.resolve("db.mv.db");
        DataSource ds = Database.open(url, "sa", "");
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
            int chunksBefore = chunksFillRate(ds);
            long before = Files.size(file);
            int inUse = 0;
            for (int pass = 0; pass < 20 && inUse < 80; pass++) {
                inUse = Database.compact(ds, 80, 4 << 20);
            }
            long after = Files.size(file);
            assertTrue(chunksBefore < 50, "the chunks of one-commit-per-row writes are sparse: " + chunksBefore + "%");
            assertTrue(chunksFillRate(ds) > chunksBefore, "the sparse chunks were rewritten: " + chunksBefore + "% -> " + chunksFillRate(ds) + "%");
            assertTrue(inUse >= 80, "chunks were moved into the free space: " + inUse + "% of the file in use");
            assertTrue(after < before / 2, "the file shrank: " + before + " -> " + after + " bytes");
            assertRows(ds);
        } finally {
            Database.close(ds);
        }
        // the moved chunks are what a restart reads
        DataSource reopened = Database.open(url, "sa", "");
        try {
            assertRows(reopened);
        } finally {
            Database.close(reopened);
        }
    }

    private static void assertRows(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CAST(TRIM(SUBSTRING(v, 7)) AS INT)) FROM t")) {
            rs.next();
            assertEquals(5000, rs.getInt(1));
            assertEquals(4999L * 5000 / 2, rs.getLong(2), "every row kept its value");
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
            return Database.h2File(c).orElseThrow().getFileStore().getChunksFillRate();
        }
    }
}
