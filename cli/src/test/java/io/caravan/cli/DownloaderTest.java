package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.caravan.cli.FakeCaravan.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

    private static final int SEGMENT = 64 * 1024;
    /** How long a source may send nothing before it is dropped: long enough for a loaded machine. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private FakeCaravan server;

    @BeforeEach
    void start() throws Exception {
        byte[] content = new byte[10 * SEGMENT + 1000];
        new Random(42).nextBytes(content);
        server = new FakeCaravan(content, SEGMENT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Downloader downloader() {
        CaravanClient client = new CaravanClient(server.url(), null, READ_TIMEOUT);
        return new Downloader(client, RateLimiter.UNLIMITED, (label, total) -> Progress.silent());
    }

    private Downloader.Result download(int sources) throws Exception {
        return downloader().download(FakeCaravan.ID, dir, sources);
    }

    private void assertDownloaded(Downloader.Result result) throws Exception {
        assertEquals(dir.resolve("fake.bin"), result.path());
        assertArrayEquals(server.content, Files.readAllBytes(result.path()));
        assertEquals(server.sha256, Sha256.of(result.path()));
        assertFalse(Files.exists(dir.resolve("fake.bin.part")));
    }

    @Test
    void should_assemble_the_file_from_segments_when_sources_die_stall_or_corrupt() throws Exception {
        server.source("a-dies", Fault.DIES).source("b-corrupts", Fault.CORRUPTS).source("c-stalls", Fault.STALLS)
                .source("d-good", Fault.NONE);

        Downloader.Result result = download(3);

        assertDownloaded(result);
        assertEquals(11, result.segments());
        assertEquals(List.of("d-good"), result.sources(), "only d-good delivered a verified segment");
        for (String node : List.of("a-dies", "b-corrupts", "c-stalls", "d-good")) {
            assertTrue(server.requests(node) > 0, node + " was asked for a segment");
        }
        assertEquals(1, server.requests("a-dies"), "a source that died is dropped");
        assertEquals(1, server.requests("c-stalls"), "a source that stalled is dropped");
        assertTrue(server.fileRequests.isEmpty(), "no request for the whole file");
    }

    @Test
    void should_fail_verification_when_every_source_corrupts_a_segment() {
        server.source("a", Fault.CORRUPTS).source("b", Fault.CORRUPTS);

        CliException e = assertThrows(CliException.class, () -> download(2));

        assertEquals(CliException.VERIFICATION, e.exitCode());
        assertFalse(Files.exists(dir.resolve("fake.bin")));
    }

    @Test
    void should_keep_the_verified_segments_of_a_previous_run() throws Exception {
        server.source("a", Fault.NONE).source("b", Fault.NONE);
        byte[] previous = Arrays.copyOf(server.content, server.content.length);
        Arrays.fill(previous, 3 * SEGMENT, 5 * SEGMENT, (byte) 0); // segments 3 and 4 never arrived
        Files.write(dir.resolve("fake.bin.part"), previous);

        Downloader.Result result = download(2);

        assertDownloaded(result);
        assertEquals(server.content.length - 2L * SEGMENT, result.resumed());
        assertEquals(2, server.requests("a") + server.requests("b"));
        assertEquals(Stream.of("a", "b").filter(node -> server.requests(node) > 0).toList(), result.sources(),
                "the sources asked for the two missing segments, each of which delivered");
    }

    @Test
    void should_fall_back_to_one_request_when_there_is_no_manifest() throws Exception {
        server.manifest = false;

        Downloader.Result result = download(4);

        assertDownloaded(result);
        assertEquals(0, result.segments());
        assertEquals(List.of(), result.sources());
        assertEquals(List.of("null|null"), server.fileRequests);
    }

    @Test
    void should_resume_a_part_file_with_a_range_conditional_on_the_etag() throws Exception {
        Files.write(dir.resolve("fake.bin.part"), Arrays.copyOf(server.content, 100_000));

        Downloader.Result result = download(1);

        assertDownloaded(result);
        assertEquals(100_000, result.resumed());
        assertEquals(List.of("bytes=100000-|\"" + server.sha256 + "\""), server.fileRequests);
    }

    @Test
    void should_start_over_when_the_server_answers_the_range_with_the_whole_file() throws Exception {
        byte[] stale = new byte[100_000];
        Arrays.fill(stale, (byte) 7);
        Files.write(dir.resolve("fake.bin.part"), stale);
        server.honourRange = false;

        Downloader.Result result = download(1);

        assertDownloaded(result);
        assertEquals(0, result.resumed());
    }

    @Test
    void should_remove_the_part_file_when_the_bytes_do_not_match_the_sha256() {
        byte[] wrong = server.content.clone();
        wrong[12345] ^= 1;
        server.served = wrong;

        CliException e = assertThrows(CliException.class, () -> download(1));

        assertEquals(CliException.VERIFICATION, e.exitCode());
        assertFalse(Files.exists(dir.resolve("fake.bin.part")));
        assertFalse(Files.exists(dir.resolve("fake.bin")));
    }

    @Test
    void should_report_a_missing_file_as_not_found() {
        CliException e = assertThrows(CliException.class, () -> downloader().download("2-nosuchfile00.bin", dir, 2));

        assertEquals(CliException.NOT_FOUND, e.exitCode());
        assertEquals("no such file", e.getMessage());
    }

    @Test
    void should_list_the_sources_in_the_json_result() {
        Downloader.Result segmented = new Downloader.Result("1-x", Path.of("x.bin"), 3, "ab", 0, 2, List.of("g1-a", "g1-b"));
        Downloader.Result single = new Downloader.Result("1-x", Path.of("x.bin"), 3, "ab", 0, 0, List.of());

        assertEquals("[\"g1-a\",\"g1-b\"]", segmented.toJson().path("sources").toString());
        assertEquals("[]", single.toJson().path("sources").toString());
    }

    @Test
    void should_name_the_target_safely() {
        assertEquals(Path.of("song.mp3"), Downloader.target(null, "song.mp3", "1-x.mp3"));
        assertEquals(Path.of("1-x.mp3"), Downloader.target(null, "..", "1-x.mp3"));
        assertEquals(Path.of("1-x.mp3"), Downloader.target(null, null, "1-x.mp3"));
        assertEquals(Path.of("a_b"), Downloader.target(null, "a/b", "1-x"));
        assertEquals(dir.resolve("song.mp3"), Downloader.target(dir, "song.mp3", "1-x.mp3"));
        assertEquals(dir.resolve("out.bin"), Downloader.target(dir.resolve("out.bin"), "song.mp3", "1-x.mp3"));
    }
}
