package io.caravan.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.caravan.cli.Manifest.Segment;
import io.caravan.cli.Manifest.Source;

/**
 * Hands segments out to workers, one source each: a segment that failed goes back to be fetched from
 * another source, never again from one that failed it, and a worker whose source can do nothing more
 * takes an unused source. Ends when every segment is fetched, or when no source can fetch what is left.
 */
final class SegmentScheduler {

    private final Deque<Segment> pending;
    private final Deque<Source> unused;
    private final Map<Segment, Set<Source>> failedBy = new HashMap<>();
    private final Map<Segment, CliException> lastFailure = new HashMap<>();
    private int inFlight;
    private CliException aborted;

    SegmentScheduler(List<Segment> segments, List<Source> sources) {
        this.pending = new ArrayDeque<>(segments);
        this.unused = new ArrayDeque<>(sources);
    }

    /** A source not used yet, for a worker that starts or whose source is done; null when there is none or nothing to do. */
    synchronized Source claim() {
        return finished() ? null : unused.pollFirst();
    }

    /**
     * The next segment for the source, waiting while segments in flight may still come back to it.
     *
     * @return null when all is done, or when the source cannot fetch any of the segments left
     */
    synchronized Segment take(Source source) throws InterruptedException {
        while (!finished()) {
            for (Iterator<Segment> it = pending.iterator(); it.hasNext(); ) {
                Segment s = it.next();
                if (!failedBy.getOrDefault(s, Set.of()).contains(source)) {
                    it.remove();
                    inFlight++;
                    return s;
                }
            }
            if (inFlight == 0) {
                return null;
            }
            wait();
        }
        return null;
    }

    synchronized void done(Segment segment) {
        inFlight--;
        notifyAll();
    }

    /** The source failed the segment: it goes back for the others. */
    synchronized void failed(Segment segment, Source source, CliException why) {
        inFlight--;
        failedBy.computeIfAbsent(segment, s -> new HashSet<>()).add(source);
        lastFailure.put(segment, why);
        pending.addFirst(segment);
        notifyAll();
    }

    /** A failure no other source can help with (writing the file): every worker stops. */
    synchronized void abort(Segment segment, CliException why) {
        inFlight--;
        pending.addFirst(segment);
        aborted = why;
        notifyAll();
    }

    /** Null when every segment was fetched, else why one was not. */
    synchronized CliException failure() {
        if (aborted != null) {
            return aborted;
        }
        Segment missing = pending.peekFirst();
        if (missing == null) {
            return null;
        }
        String message = "segment " + missing.index() + ": no source left that serves it";
        CliException last = lastFailure.get(missing);
        return last == null ? CliException.unavailable(message)
                : new CliException(last.exitCode(), message + " (last failure: " + last.getMessage() + ")");
    }

    private boolean finished() {
        return aborted != null || pending.isEmpty() && inFlight == 0;
    }
}
