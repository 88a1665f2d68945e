package io.caravan.connectors.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Database#compact} on a real H2 file that commits at once (WRITE_DELAY=0), as Caravan's does, and
 * {@link Database#inTransaction} against a real row lock held by another connection.
 */
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

    @Test
    void should_run_a_transaction_again_when_another_holds_its_row_past_the_lock_timeout() throws Exception {
        DataSource ds = lockedRow();
        try (Connection holder = ds.getConnection()) {
            holdRow(holder);
            // the holder commits after ~3 attempts (100 ms lock timeout each, plus the pauses): a single one would fail
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> commit(holder),
                    CompletableFuture.delayedExecutor(350, TimeUnit.MILLISECONDS));
            AtomicInteger attempts = new AtomicInteger();

            int v = Database.inTransaction(ds, c -> {
                attempts.incrementAndGet();
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE t SET v = v + 10 WHERE k = 1");
                }
                return value(c);
            });

            release.get(5, TimeUnit.SECONDS);
            assertTrue(attempts.get() > 1, "ran again after losing the race: " + attempts.get() + " attempt(s)");
            assertEquals(11, v, "the holder's change (v = 1) and then ours (+10)");
            try (Connection c = ds.getConnection()) {
                assertEquals(11, value(c));
            }
        } finally {
            Database.close(ds);
        }
    }

    @Test
    void should_give_up_after_the_last_attempt_when_the_row_stays_locked() throws Exception {
        DataSource ds = lockedRow();
        try (Connection holder = ds.getConnection()) {
            holdRow(holder);
            AtomicInteger attempts = new AtomicInteger();

            SQLException e = assertThrows(SQLException.class, () -> Database.inTransaction(ds, c -> {
                attempts.incrementAndGet();
                try (Statement st = c.createStatement()) {
                    return st.executeUpdate("UPDATE t SET v = v + 10 WHERE k = 1");
                }
            }));

            assertTrue(Database.lostRace(e), e.getSQLState() + " " + e.getMessage());
            assertEquals(Database.ATTEMPTS, attempts.get());
            holder.rollback();
            try (Connection c = ds.getConnection()) {
                assertEquals(0, value(c), "nothing of the failed attempts was committed");
            }
        } finally {
            Database.close(ds);
        }
    }

    @Test
    void should_roll_back_and_not_retry_a_transaction_that_fails_for_another_reason() throws Exception {
        DataSource ds = lockedRow();
        try {
            AtomicInteger attempts = new AtomicInteger();

            SQLException e = assertThrows(SQLException.class, () -> Database.inTransaction(ds, c -> {
                attempts.incrementAndGet();
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE t SET v = 5 WHERE k = 1");
                    return st.executeUpdate("INSERT INTO t (k, v) VALUES (1, 0)"); // duplicate key
                }
            }));

            assertTrue(!Database.lostRace(e), e.getSQLState());
            assertEquals(1, attempts.get(), "a duplicate key is not a lock race: no second attempt");
            try (Connection c = ds.getConnection()) {
                assertEquals(0, value(c), "the first statement was rolled back with the second");
            }
        } finally {
            Database.close(ds);
        }
    }

    /** A database with row (k = 1, v = 0) and a 100 ms lock timeout. */
    private static DataSource lockedRow() throws SQLException {
        DataSource ds = Database.open("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=100", "sa", "");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (k INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO t (k, v) VALUES (1, 0)");
        }
        return ds;
    }

    /** Changes the row to v = 1 in an open transaction of {@code holder}: its lock stays until commit or rollback. */
    private static void holdRow(Connection holder) throws SQLException {
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            assertEquals(1, st.executeUpdate("UPDATE t SET v = 1 WHERE k = 1"));
        }
    }

    private static void commit(Connection c) {
        try {
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int value(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t WHERE k = 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
