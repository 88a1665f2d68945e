package io.caravan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.caravan.cli.Manifest.Segment;
import io.caravan.cli.Manifest.Source;

/**
 * Fetches segments in parallel, one worker per source, each segment with a ranged GET written at its
 * offset in the file and checked against its SHA-256. A source that fails (error, wrong answer, no
 * data within the read timeout) is dropped; a source that sends a bad segment is kept for the others.
 */
final class SegmentFetcher {

    private final CaravanClient client;
    private final RateLimiter limiter;
    private final FileChannel file;
    private final Progress progress;
    /** The nodes that delivered at least one verified segment. */
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();

    SegmentFetcher(CaravanClient client, RateLimiter limiter, FileChannel file, Progress progress) {
        this.client = client;
        this.limiter = limiter;
        this.file = file;
        this.progress = progress;
    }

    /**
     * Fetches the segments from up to {@code parallel} sources at a time.
     *
     * @return the nodes that delivered at least one verified segment, in the order of {@code sources}
     * @throws CliException when a segment could be fetched from none of the sources
     */
    List<String> fetch(List<Segment> segments, List<Source> sources, int parallel) throws InterruptedException {
        SegmentScheduler scheduler = new SegmentScheduler(segments, sources);
        int count = Math.min(parallel, sources.size());
        ExecutorService workers = Executors.newFixedThreadPool(count);
        for (int i = 0; i < count; i++) {
            workers.execute(() -> work(scheduler));
        }
        workers.shutdown();
        workers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        CliException failure = scheduler.failure();
        if (failure != null) {
            throw failure;
        }
        return sources.stream().map(Source::node).filter(delivered::contains).distinct().toList();
    }

    private void work(SegmentScheduler scheduler) {
        try {
            for (Source source = scheduler.claim(); source != null; source = scheduler.claim()) {
                fetchAll(scheduler, source);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Fetches segments from one source until none is left for it or it fails. */
    private void fetchAll(SegmentScheduler scheduler, Source source) throws InterruptedException {
        for (Segment segment = scheduler.take(source); segment != null; segment = scheduler.take(source)) {
            try {
                fetch(source, segment);
                delivered.add(source.node());
                scheduler.done(segment);
            } catch (CliException e) {
                scheduler.failed(segment, source, e);
                if (e.exitCode() != CliException.VERIFICATION) {
                    return; // the source is broken or gone: drop it
                }
            } catch (IOException | RuntimeException e) {
                scheduler.abort(segment, new CliException(CliException.ERROR, "segment " + segment.index() + ": " + e));
                return;
            }
        }
    }

    /** Fetches one segment; a source's failure is a {@link CliException}, an {@link IOException} is local. */
    private void fetch(Source source, Segment segment) throws IOException {
        HttpRequest.Builder request = client.request(source.uri())
                .header("Range", "bytes=" + segment.offset() + "-" + (segment.end() - 1)).GET();
        HttpResponse<InputStream> response = client.stream(request);
        LongAdder copied = new LongAdder();
        boolean complete = false;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 206) {
                throw CaravanClient.failure(response);
            }
            if (CaravanClient.rangeStart(response) != segment.offset()) {
                throw CliException.unavailable(source.node() + " answered another range than bytes " + segment.offset() + "-");
            }
            MessageDigest digest = Sha256.digest();
            long n = Transfer.copy(in, Transfer.at(file, segment.offset()), segment.length(), digest, limiter, bytes -> {
                copied.add(bytes);
                progress.add(bytes);
            });
            if (n < segment.length()) {
                throw CliException.unavailable(source.node() + " sent " + n + " of the " + segment.length() + " bytes of segment "
                        + segment.index());
            }
            if (!Sha256.hex(digest).equals(segment.sha256())) {
                throw CliException.verification("segment " + segment.index() + " from " + source.node() + " has the wrong SHA-256");
            }
            complete = true;
        } catch (NetworkException e) {
            throw CliException.unavailable(source.node() + ": " + e.getMessage());
        } finally {
            if (!complete) {
                progress.add(-copied.sum()); // fetched again, from another source
            }
        }
    }
}
