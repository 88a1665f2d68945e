package io.caravan.processors.replication;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.caravan.connectors.catalogue.FileRecord;
import io.caravan.connectors.catalogue.FileStore;
import io.caravan.connectors.catalogue.Replica;
import io.caravan.connectors.catalogue.ReplicaStore;
import io.caravan.connectors.storage.StorageNode;
import io.caravan.connectors.storage.StoredObject;
import io.caravan.processors.events.CloudEvents;
import io.caravan.processors.metrics.CaravanMetrics;
import io.caravan.processors.support.ConflictException;
import io.caravan.processors.tracker.Tracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy (bean {@code scrubber}): compares every node's files with the catalogue by size and
 * SHA-256, re-copies missing or corrupt copies from a good one ({@code caravan.replica.repaired}),
 * and removes orphans: objects no stored file accounts for, older than a grace period.
 */
public class Scrubber {

    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final int PAGE = 500;

    private final FileStore files;
    private final ReplicaStore replicas;
    private final Tracker tracker;
    private final ReplicaVerifier verifier;
    private final Replicator replicator;
    private final Duration orphanGrace;
    private final Duration settle;
    private final ReentrantLock running = new ReentrantLock();

    /**
     * @param orphanGrace how old an object with no stored file must be before it is removed ({@code caravan.scrub.orphan-grace})
     * @param settle      files younger than this are left to replication ({@code caravan.scrub.settle})
     */
    private final CaravanMetrics metrics;

    public Scrubber(FileStore files, ReplicaStore replicas, Tracker tracker, ReplicaVerifier verifier, Replicator replicator,
                    Duration orphanGrace, Duration settle, CaravanMetrics metrics) {
        this.metrics = metrics;
        this.files = files;
        this.replicas = replicas;
        this.tracker = tracker;
        this.verifier = verifier;
        this.replicator = replicator;
        this.orphanGrace = orphanGrace;
        this.settle = settle;
    }

    /** What one scrub found and did. */
    public record Report(long checked, long missing, long corrupt, long repaired, long failed, long orphansRemoved, long millis) {
    }

    /** Runs one scrub over all files and nodes; returns the counts. A conflict when one is already running. */
    public Report scrub() {
        if (!running.tryLock()) {
            throw new ConflictException("a scrub is already running");
        }
        try {
            return scrubAndRecord(settle);
        } finally {
            running.unlock();
        }
    }

    /**
     * A scrub for the nodes an operator formatted: waits for one that runs to end, then copies every file of their
     * groups onto them (a scrub of everything, the youngest files too: their events were consumed before the format);
     * each turns ACTIVE once a scrub with no failure has covered every file older than its format.
     */
    public Report refill() {
        running.lock();
        try {
            return scrubAndRecord(Duration.ZERO);
        } finally {
            running.unlock();
        }
    }

    private Report scrubAndRecord(Duration settleFor) {
        Instant started = Instant.now();
        Instant covered = started.minus(settleFor); // every file created before this is checked
        Map<String, Instant> refilling = tracker.refilling();
        Report r = doScrub(covered);
        metrics.scrubbed(r.checked(), r.missing(), r.corrupt(), r.repaired(), r.failed(), r.orphansRemoved());
        if (r.failed() == 0) {
            refilling.forEach((node, since) -> {
                if (!since.isAfter(covered)) {
                    tracker.refilled(node, covered);
                    LOG.info("scrub refilled {}, formatted at {}", node, since);
                }
            });
        }
        return r;
    }

    private Report doScrub(Instant settled) {
        long t0 = System.nanoTime();
        AtomicLong checked = new AtomicLong();
        AtomicLong missing = new AtomicLong();
        AtomicLong corrupt = new AtomicLong();
        AtomicLong repaired = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String after = "";
        Set<String> blobs = new HashSet<>();
        List<FileRecord> page;
        do {
            page = files.storedAfter(after, PAGE);
            for (FileRecord file : page) {
                after = file.id();
                if (file.created().isAfter(settled) || !blobs.add(file.blob())) {
                    continue; // too young, or its bytes (shared with another id) were checked already
                }
                scrubFile(file, checked, missing, corrupt, repaired, failed);
            }
        } while (page.size() == PAGE);
        long orphans = removeOrphans();

        Report report = new Report(checked.get(), missing.get(), corrupt.get(), repaired.get(), failed.get(), orphans,
                (System.nanoTime() - t0) / 1_000_000);
        LOG.info("scrub: {}", report);
        return report;
    }

    private void scrubFile(FileRecord file, AtomicLong checked, AtomicLong missing, AtomicLong corrupt,
                           AtomicLong repaired, AtomicLong failed) {
        List<Replica> known = replicas.of(file.blob());
        List<StorageNode> toRepair = new ArrayList<>();
        for (StorageNode node : tracker.nodes().group(file.group())) {
            if (!tracker.state(node.name()).replicable()) {
                continue; // an unreachable node is the tracker's business; it catches up when back
            }
            checked.incrementAndGet();
            try {
                StoredObject o = node.stat(file.blob());
                long mtime = o == null ? -1 : verifier.verify(node, file);
                if (mtime >= 0) {
                    Optional<Replica> r = known.stream().filter(x -> x.node().equals(node.name())).findFirst();
                    if (r.isEmpty() || !r.get().isVerified() || r.get().verifiedMtime() == null || r.get().verifiedMtime() != mtime) {
                        replicas.recordVerified(file.blob(), node.name(), null, null, mtime, null);
                    }
                    continue;
                }
                (o == null ? missing : corrupt).incrementAndGet();
                if (known.stream().anyMatch(x -> x.node().equals(node.name()))) {
                    replicas.mark(file.blob(), node.name(), Replica.BAD);
                }
                toRepair.add(node);
            } catch (IOException e) {
                failed.incrementAndGet();
                LOG.warn("scrub could not check {} on {}: {}", file.id(), node.name(), e.getMessage());
            }
        }
        for (StorageNode node : toRepair) {
            try {
                replicator.copyFromGoodReplica(node, file, replicas.of(file.blob()),
                        CloudEvents.fileEvent(CloudEvents.REPLICA_REPAIRED, file, node.name()));
                repaired.incrementAndGet();
                LOG.info("scrub repaired {} on {}", file.id(), node.name());
            } catch (IOException e) {
                failed.incrementAndGet();
                LOG.warn("scrub could not repair {} on {}: {}", file.id(), node.name(), e.getMessage());
            }
        }
    }

    private long removeOrphans() {
        long cutoff = Instant.now().minus(orphanGrace).toEpochMilli();
        long removed = 0;
        for (StorageNode node : tracker.nodes().all()) {
            if (!tracker.state(node.name()).readable()) {
                continue;
            }
            List<StoredObject> old = new ArrayList<>();
            try {
                node.list(o -> {
                    if (o.lastModified() < cutoff) {
                        old.add(o);
                    }
                });
                for (StoredObject o : old) {
                    Optional<String> group = files.blobGroup(o.key());
                    if (group.isEmpty() || !group.get().equals(node.group())) {
                        if (node.delete(o.key())) {
                            removed++;
                            LOG.info("scrub removed orphan {} from {}", o.key(), node.name());
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("scrub could not list {}: {}", node.name(), e.getMessage());
            }
        }
        return removed;
    }
}
