package io.caravan.connectors.catalogue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.postgresql.ds.PGConnectionPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalogue database: H2 (embedded default) or PostgreSQL, chosen by the JDBC URL.
 *
 * <p>The schema ({@code schema.sql}, made by the migrations in {@code migration/}) uses only SQL that runs on
 * both. Here: pooled connections, transactions that run again when they lose a lock race, compaction of the
 * embedded file, and migrations; the tables' SQL is in the catalogue's stores.
 */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /**
     * SQL states of a transaction that lost a race for a lock and can simply run again: serialization
     * failure or deadlock (40001: both databases), deadlock (40P01) and lock not available (55P03) on
     * PostgreSQL, lock timeout (HYT00) and concurrent update (90131) on H2.
     */
    private static final Set<String> LOST_RACE = Set.of("40001", "40P01", "55P03", "HYT00", "90131");

    /** How many times {@link #inTransaction} runs a transaction that keeps losing lock races. */
    static final int ATTEMPTS = 5;

    private Database() {
    }

    /** A pooled data source for {@code url}. */
    public static DataSource open(String url, String user, String password) {
        if (url.startsWith("jdbc:h2:")) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(url, user, password);
            pool.setMaxConnections(32);
            return pool;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            // H2's small connection pool works over any ConnectionPoolDataSource: no extra dependency
            PGConnectionPoolDataSource pg = new PGConnectionPoolDataSource();
            pg.setURL(url);
            pg.setUser(user);
            pg.setPassword(password);
            JdbcConnectionPool pool = JdbcConnectionPool.create(pg);
            pool.setMaxConnections(32);
            return pool;
        }
        throw new IllegalArgumentException("unsupported JDBC URL (use jdbc:h2: or jdbc:postgresql:): " + url);
    }

    /**
     * Keeps the embedded H2 file from growing by every commit. First rewrites the live pages of the
     * sparsest chunks into new ones (at most {@code writeLimit} bytes), so that the old chunks become free
     * space; then, while less than {@code targetFillRate} percent of the file is in use, moves up to
     * {@code writeLimit} bytes of chunks from its end into that free space and truncates the file.
     * H2 does both itself only from its background writer, which runs only with a write delay; Caravan
     * keeps {@code WRITE_DELAY=0} so that a commit is in the file before the client hears 201, and without
     * this the file grows by every commit (tens of KB per upload). A no-op for PostgreSQL (autovacuum).
     *
     * @return the percentage of the file in use afterwards, or -1 when the database is not an embedded H2 one
     */
    public static int compact(DataSource ds, int targetFillRate, int writeLimit) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Optional<MVStore> h2 = h2File(c);
            if (h2.isEmpty()) {
                return -1;
            }
            MVStore store = h2.get();
            FileStore<?> file = store.getFileStore();
            if (store.compact(targetFillRate, writeLimit)) {
                store.commit(); // the rewritten pages reach the file now, not with the next transaction
            }
            if (file instanceof RandomAccessStore chunks && chunks.getFillRate() < targetFillRate) {
                // free space is reused only where a new chunk fits: without moving chunks into the gaps the
                // file still grows (by ~10 KB per upload) while three quarters of it are free
                chunks.compactMoveChunks(targetFillRate, writeLimit, store);
            }
            return file.getFillRate();
        }
    }

    /** The store of the embedded H2 file database behind {@code c}; empty for PostgreSQL or an in-memory H2. */
    static Optional<MVStore> h2File(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return Optional.empty();
        }
        MVStore store = session.getDatabase().getStore().getMvStore();
        return store.getFileStore() == null || store.isClosed() ? Optional.empty() : Optional.of(store);
    }

    /** Work done with a connection; may throw what JDBC throws. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it. A transaction that lost a race for a lock (a lock
     * wait timed out, a deadlock, a serialization failure: {@link #lostRace}) is rolled back and run again
     * after a short random pause, up to {@value #ATTEMPTS} times in all: under load two writers of the same
     * row are normal, and neither should fail its client for it. {@code work} must therefore only write
     * through {@code c}. Any other failure is rolled back and thrown at once.
     */
    public static <T> T inTransaction(DataSource ds, Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !lostRace(e)) {
                    throw e;
                }
                LOG.debug("transaction lost a lock race (attempt {}): {}", attempt, e.getMessage());
                pause(attempt);
            }
        }
    }

    /** Whether {@code e} (or an exception chained to it) says a transaction lost a race for a lock. */
    static boolean lostRace(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && LOST_RACE.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void pause(int attempt) throws SQLException {
        long base = 10L << attempt; // 20, 40, 80, 160 ms, each plus up to as much again at random
        try {
            Thread.sleep(base + ThreadLocalRandom.current().nextLong(base));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to retry a transaction", e);
        }
    }

    /** Closes what {@link #open} opened. */
    public static void close(DataSource ds) {
        if (ds instanceof JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    /** Where the versioned migrations are: {@code V<n>__<what>.sql}, run in order, each once. */
    static final String MIGRATIONS = "classpath:io/caravan/connectors/catalogue/migration";

    /**
     * Brings the catalogue to the current schema ({@code schema.sql} shows it) with Flyway: runs the
     * migrations the database has not had yet, each once, in one transaction each, and records them in
     * {@code flyway_schema_history}. A database made before versioned migrations (tables, no history) is
     * taken as version 0, so that migration 1, the idempotent script those releases ran, completes it first.
     * Gateways starting at once on one PostgreSQL database wait for each other (Flyway locks the history).
     */
    public static void migrate(DataSource ds) throws SQLException {
        try {
            MigrateResult result = Flyway.configure(Database.class.getClassLoader())
                    .dataSource(ds)
                    .locations(MIGRATIONS)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .baselineDescription("catalogue made before versioned migrations")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("catalogue schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (FlywayException e) {
            throw new SQLException("cannot migrate the catalogue schema: " + e.getMessage(), e);
        }
    }
}
