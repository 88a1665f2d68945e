package io.caravan.processors.catalogue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link GroupCommit} on real in-memory H2: work queued behind a commit shares the next one, and fails alone. */
class GroupCommitTest {

    private JdbcConnectionPool ds;
    private GroupCommit group;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeEach
    void open() throws Exception {
        ds = JdbcConnectionPool.create("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (k VARCHAR(20) PRIMARY KEY)");
        }
        group = new GroupCommit(ds, 64);
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        ds.dispose();
    }

    @Test
    void should_commit_the_work_queued_behind_a_commit_together_before_returning() throws Exception {
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> first = pool.submit(() -> group.run(c -> {
            insert(c, "first");
            inFirst.countDown();
            await(release);
        }));
        assertTrue(inFirst.await(5, TimeUnit.SECONDS));
        List<Future<Boolean>> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String k = "later-" + i;
            // each caller sees its own row committed (from another connection) as soon as run returns
            later.add(pool.submit(() -> {
                group.run(c -> insert(c, k));
                return committed(k);
            }));
        }
        waitForQueued(5);
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (Future<Boolean> f : later) {
            assertTrue(f.get(5, TimeUnit.SECONDS));
        }
        assertArrayEquals(new long[] {2, 6}, group.stats(), "one commit for the first, one for the five queued behind it");
        assertEquals(6, count());
    }

    @Test
    void should_fail_only_the_bad_work_of_a_shared_commit() throws Exception {
        group.run(c -> insert(c, "taken"));
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> first = pool.submit(() -> group.run(c -> {
            inFirst.countDown();
            await(release);
        }));
        assertTrue(inFirst.await(5, TimeUnit.SECONDS));
        Future<?> good1 = pool.submit(() -> group.run(c -> insert(c, "good-1")));
        waitForQueued(1);
        Future<?> bad = pool.submit(() -> group.run(c -> insert(c, "taken"))); // primary key taken
        waitForQueued(2);
        Future<?> good2 = pool.submit(() -> group.run(c -> insert(c, "good-2")));
        waitForQueued(3);
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        good1.get(5, TimeUnit.SECONDS);
        good2.get(5, TimeUnit.SECONDS);
        Exception e = assertThrows(Exception.class, () -> bad.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof Catalogue.CatalogueException, String.valueOf(e.getCause()));
        assertTrue(committed("good-1") && committed("good-2"));
        assertEquals(3, count(), "taken, good-1, good-2: nothing of the bad work, nothing twice");
    }

    @Test
    void should_commit_alone_without_waiting_when_nothing_else_runs() throws Exception {
        for (int i = 0; i < 3; i++) {
            String k = "k" + i;
            group.run(c -> insert(c, k));
            assertTrue(committed(k));
        }
        assertArrayEquals(new long[] {3, 3}, group.stats());
    }

    private void waitForQueued(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (group.queued() < n && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals(n, group.queued());
    }

    private static void insert(Connection c, String k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
            ps.setString(1, k);
            ps.executeUpdate();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean committed(String k) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM t WHERE k = ?")) {
            ps.setString(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private long count() throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
