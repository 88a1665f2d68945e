package io.caravan.processors.catalogue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

/**
 * Runs the transactions that threads hand it at the same time as one transaction (group commit): the first
 * thread to get the lock commits everything queued, while later ones queue behind it for the next commit. One
 * commit then stands for many uploads (H2 writes a chunk per commit, PostgreSQL flushes its log per commit),
 * and nobody waits when there is no concurrency. If the shared transaction fails, each piece of work is
 * retried in a transaction of its own, so one bad piece fails alone. {@link #run} returns only once the
 * work is committed, as a plain transaction would.
 */
final class GroupCommit {

    /** A piece of work on the shared connection; it must not commit, roll back or change auto-commit. */
    interface Work {
        void run(Connection c) throws SQLException;
    }

    private static final class Pending {
        final Work work;
        boolean done;
        RuntimeException failure;

        Pending(Work work) {
            this.work = work;
        }
    }

    private final DataSource ds;
    private final int maxGroup;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock committer = new ReentrantLock();
    private long groups;
    private long works;

    GroupCommit(DataSource ds, int maxGroup) {
        this.ds = ds;
        this.maxGroup = maxGroup;
    }

    /** Runs {@code work} in a transaction, maybe shared with concurrent callers; throws its failure. */
    void run(Work work) {
        Pending mine = new Pending(work);
        queue.add(mine);
        committer.lock();
        try {
            while (!mine.done) {
                List<Pending> group = new ArrayList<>();
                Pending p;
                while (group.size() < maxGroup && (p = queue.poll()) != null) {
                    group.add(p);
                }
                commit(group);
            }
        } finally {
            committer.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
    }

    /** Transactions committed or tried so far, and the pieces of work they held. */
    synchronized long[] stats() {
        return new long[] {groups, works};
    }

    /** Pieces of work waiting for the next commit. */
    int queued() {
        return queue.size();
    }

    private void commit(List<Pending> group) {
        try {
            transaction(group);
        } catch (RuntimeException together) {
            if (group.size() == 1) {
                group.get(0).failure = together;
            } else {
                for (Pending p : group) {
                    try {
                        transaction(List.of(p));
                    } catch (RuntimeException alone) {
                        p.failure = alone;
                    }
                }
            }
        }
        for (Pending p : group) {
            p.done = true;
        }
        synchronized (this) {
            groups++;
            works += group.size();
        }
    }

    private void transaction(List<Pending> group) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Pending p : group) {
                    p.work.run(c);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new Catalogue.CatalogueException(e);
        }
    }
}
