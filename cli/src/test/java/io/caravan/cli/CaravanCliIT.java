package io.caravan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.app.CaravanProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged client ({@code java -jar cli/target/caravan-cli.jar}, one JVM per command, stdout not a
 * terminal) against the real embedded Caravan started from {@code app/target/caravan.jar}.
 */
class CaravanCliIT {

    private static final int PORT = 19780;
    private static final int KAFKA_PORT = 19792;
    private static final String URL = "http://127.0.0.1:" + PORT;
    private static final Path JAR = Path.of("cli/target/caravan-cli.jar");
    private static final String API_KEY = "caravan-dev-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path work;
    private static CaravanProcess server;

    /** A finished command: its exit code, stdout bytes and stderr text. */
    private record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void startCaravan() throws Exception {
        work = Files.createDirectories(Path.of("cli/target/it-" + System.currentTimeMillis()));
        server = new CaravanProcess(CaravanProcess.embedded(work.resolve("data"), PORT, KAFKA_PORT), List.of(),
                work.resolve("caravan.log"));
        server.start(PORT);
    }

    @AfterAll
    static void stopCaravan() throws Exception {
        if (server != null) {
            try {
                server.stop();
            } finally {
                server.close();
            }
        }
    }

    private static Process launch(Path stdout, Path stderr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().put("CARAVAN_URL", URL);
        pb.environment().put("CARAVAN_API_KEY", API_KEY);
        pb.environment().put("LC_ALL", "C.UTF-8"); // command-line arguments in UTF-8
        return pb.start();
    }

    private static Run caravan(String... args) throws Exception {
        Path out = Files.createTempFile(work, "stdout", ".bin");
        Path err = Files.createTempFile(work, "stderr", ".txt");
        Process p = launch(out, err, args);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("caravan " + String.join(" ", args) + " did not finish within 120 s");
        }
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    private static Run ok(String... args) throws Exception {
        Run run = caravan(args);
        assertEquals(0, run.exit(), "caravan " + String.join(" ", args) + ": " + run.stderr());
        return run;
    }

    private static Path media(String name) throws Exception {
        return Path.of(CaravanCliIT.class.getResource("/media/" + name).toURI());
    }

    private static Path randomFile(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(work.resolve(name), bytes);
    }

    /** Uploads one file; returns its id. */
    private static String upload(Path file) throws Exception {
        JsonNode stored = CaravanClient.JSON.readTree(ok("upload", "--json", file.toString()).stdout());
        assertEquals(Sha256.of(file), stored.path("sha256").asText());
        return stored.path("id").asText();
    }

    @Test
    void should_upload_with_tags_and_download_the_same_bytes() throws Exception {
        Path tone = media("tone.mp3");

        Run up = ok("upload", tone.toString(), "--tag", "title=测试音 Tone", "--tag", "artist=Caravan Test");

        String[] line = up.out().strip().split("  ");
        assertEquals("tone.mp3", line[1]);
        Path dir = Files.createDirectories(work.resolve("single"));
        Run down = ok("download", line[0], "-o", dir.toString());
        assertEquals(dir.resolve("tone.mp3").toString(), down.out().strip());
        assertArrayEquals(Files.readAllBytes(tone), Files.readAllBytes(dir.resolve("tone.mp3")));
        assertEquals(Sha256.of(tone), Sha256.of(dir.resolve("tone.mp3")));
        assertEquals("", down.stderr(), "no progress bar when stdout is not a terminal");
    }

    @Test
    void should_resume_a_download_that_was_killed_half_way() throws Exception {
        Path original = randomFile("resume.bin", 6 << 20);
        String id = upload(original);
        Path target = work.resolve("resumed.bin");
        Path part = work.resolve("resumed.bin.part");

        Process slow = launch(work.resolve("slow.out"), work.resolve("slow.err"), "download", id, "-o", target.toString(),
                "--limit-rate", "256k");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(part) && Files.size(part) > 0) && slow.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        slow.destroy();
        assertTrue(slow.waitFor(30, TimeUnit.SECONDS));
        long kept = Files.size(part);
        assertTrue(kept > 0 && kept < Files.size(original), "part file has " + kept + " bytes");

        JsonNode result = CaravanClient.JSON.readTree(ok("download", id, "-o", target.toString(), "--json").stdout());

        assertEquals(kept, result.path("resumed").asLong(), "the second run asked for the rest only (Range) and kept the part");
        assertEquals(Sha256.of(original), Sha256.of(target));
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(target));
        assertFalse(Files.exists(part));
    }

    @Test
    void should_cat_the_bytes_to_stdout() throws Exception {
        Path clip = media("clip.mp4");
        String id = upload(clip);

        Run cat = ok("cat", id);

        assertArrayEquals(Files.readAllBytes(clip), cat.stdout());
        assertEquals("", cat.stderr());
    }

    @Test
    void should_list_by_query_and_show_info() throws Exception {
        String name = "it-" + UUID.randomUUID() + ".flac";
        Path flac = Files.copy(media("tone.flac"), work.resolve(name));
        String id = upload(flac);

        Run ls = ok("ls", "--query", name.substring(3, 20));
        JsonNode listed = CaravanClient.JSON.readTree(ok("ls", "--query", name, "--json").stdout());
        JsonNode info = CaravanClient.JSON.readTree(ok("info", id).stdout());

        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith(id + "  ") && l.endsWith("  " + name)), ls.out());
        assertTrue(ls.out().startsWith("ID"), ls.out());
        assertEquals(1, listed.path("files").size());
        assertEquals(id, listed.path("files").get(0).path("id").asText());
        assertEquals(name, info.path("name").asText());
        assertEquals(Files.size(flac), info.path("size").asLong());
        assertEquals(Sha256.of(flac), info.path("sha256").asText());
        assertEquals("audio/flac", info.path("contentType").asText());
    }

    @Test
    void should_exit_3_once_a_file_is_removed() throws Exception {
        String id = upload(randomFile("doomed.bin", 1000));

        assertEquals("deleted " + id, ok("rm", id).out().strip());

        Run download = caravan("download", id, "-o", work.resolve("doomed-copy.bin").toString());
        assertEquals(3, download.exit(), download.stderr());
        assertTrue(download.stderr().startsWith("caravan: "), download.stderr());
        assertEquals(3, caravan("rm", id).exit());
        assertFalse(Files.exists(work.resolve("doomed-copy.bin")));
    }

    @Test
    void should_exit_4_with_a_bad_api_key() throws Exception {
        Run ls = caravan("ls", "--api-key", "not-the-key");
        Run up = caravan("upload", "--api-key", "not-the-key", media("tone.mp3").toString());

        assertEquals(4, ls.exit());
        assertEquals("caravan: invalid API key\n", ls.stderr());
        assertEquals(4, up.exit(), up.stderr());
    }

    @Test
    void should_print_a_signed_url_that_fetches_the_same_bytes() throws Exception {
        Path tone = media("tone.flac");
        String id = upload(tone);

        String url = ok("url", id, "--ttl", "15m").out().strip();

        assertTrue(url.startsWith(URL + "/files/" + id + "?expires="), url);
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertArrayEquals(Files.readAllBytes(tone), r.body());
    }

    @Test
    void should_show_the_cluster_as_a_table() throws Exception {
        Run cluster = ok("cluster");

        assertTrue(cluster.out().startsWith("GROUP"), cluster.out());
        for (String node : List.of("g1-a", "g1-b", "g2-a", "g2-b")) {
            assertTrue(cluster.out().contains("  " + node + "  "), cluster.out());
        }
    }

    @Test
    void should_download_segments_from_two_sources() throws Exception {
        Path original = randomFile("segments.bin", 9 << 20);
        String id = upload(original);
        List<String> nodes = awaitVerifiedReplicas(id);
        Path target = work.resolve("segments-copy.bin");

        JsonNode result = CaravanClient.JSON.readTree(ok("download", id, "--sources", "2", "-o", target.toString(), "--json").stdout());

        assertTrue(result.path("segments").asInt() > 1, result.toString());
        assertEquals(Sha256.of(original), result.path("sha256").asText());
        assertEquals(Sha256.of(original), Sha256.of(target));
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(target));
        assertEquals(Set.copyOf(nodes), Set.copyOf(names(result.path("sources"))),
                "both replicas delivered segments: " + result);
        assertEquals(2, result.path("sources").size(), result.toString());
    }

    @Test
    void should_finish_a_segmented_download_when_a_source_dies_mid_transfer() throws Exception {
        Path original = randomFile("dying-source.bin", 24 << 20);
        String id = upload(original);
        List<String> nodes = awaitVerifiedReplicas(id);
        String dead = nodes.get(0);
        String survivor = nodes.get(1);
        // the embedded default's disk nodes: <data dir>/nodes/<node>/<fan-out>/<id>
        Path nodeDir = work.resolve("data").resolve("nodes").resolve(dead);
        Path gone = nodeDir.resolveSibling(dead + ".gone");
        assertTrue(copyOf(nodeDir, id) != null, "the copy of " + id + " on " + dead + " is under " + nodeDir);
        Path target = work.resolve("dying-source-copy.bin");
        Path part = work.resolve("dying-source-copy.bin.part");
        Path out = work.resolve("dying.out");
        Path err = work.resolve("dying.err");

        Process download = launch(out, err, "download", id, "--sources", "2", "--limit-rate", "4M", "--json",
                "-o", target.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (written(part) < (2 << 20) && download.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(download.isAlive(), "the download still runs when the source dies: " + Files.readString(err));
            long before = written(part);
            assertTrue(before >= (2 << 20) && before < Files.size(original), before + " bytes written when the source dies");
            Files.move(nodeDir, gone);

            assertTrue(download.waitFor(120, TimeUnit.SECONDS), "the download finished within 120 s");
            String stderr = Files.readString(err);
            assertEquals(0, download.exitValue(), stderr);
            JsonNode result = CaravanClient.JSON.readTree(Files.readAllBytes(out));
            System.out.println("download with " + dead + " gone after " + before + " bytes: " + result + " stderr: " + stderr);

            assertEquals(Sha256.of(original), Sha256.of(target));
            assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(target));
            assertFalse(Files.exists(part));
            assertTrue(names(result.path("sources")).contains(survivor), result.toString());
            assertTrue(result.path("segments").asInt() > 1, result.toString());
            // the source really died: the gateway no longer serves that node's copy
            HttpResponse<String> deadAnswer = get("/files/" + id + "?replica=" + dead, "bytes=0-0");
            HttpResponse<String> liveAnswer = get("/files/" + id + "?replica=" + survivor, "bytes=0-0");
            System.out.println("?replica=" + dead + " → " + deadAnswer.statusCode() + " " + deadAnswer.body()
                    + "; ?replica=" + survivor + " → " + liveAnswer.statusCode());
            assertTrue(deadAnswer.statusCode() == 404 || deadAnswer.statusCode() == 503,
                    deadAnswer.statusCode() + " " + deadAnswer.body());
            assertEquals(206, liveAnswer.statusCode());
        } finally {
            if (download.isAlive()) {
                download.destroyForcibly();
                download.waitFor(30, TimeUnit.SECONDS);
            }
            if (Files.exists(gone)) {
                restore(gone, nodeDir);
            }
        }
    }

    /** {@code GET path} on the server with the API key, and {@code Range} unless null. */
    private static HttpResponse<String> get(String path, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(URL + path)).header("Authorization", "Bearer " + API_KEY);
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits (up to 20 s) until every node of the file's group reports a {@code VERIFIED} copy in
     * {@code GET /files/{id}/info}; returns those nodes.
     */
    private static List<String> awaitVerifiedReplicas(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = get("/files/" + id + "/info", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode replicas = CaravanClient.JSON.readTree(r.body()).path("replicas");
            List<String> verified = new ArrayList<>();
            for (JsonNode replica : replicas) {
                if ("VERIFIED".equals(replica.path("state").asText())) {
                    verified.add(replica.path("node").asText());
                }
            }
            if (replicas.size() == 2 && verified.size() == 2) {
                return verified;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replicas of " + id + " are not both VERIFIED after 20 s: " + replicas);
            }
            Thread.sleep(200);
        }
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** The node's copy of the file (a disk node keeps it as {@code <dir>/<fan-out>/<id>}), or null. */
    private static Path copyOf(Path nodeDir, String id) throws IOException {
        try (Stream<Path> files = Files.walk(nodeDir)) {
            return files.filter(p -> p.getFileName().toString().equals(id) && Files.isRegularFile(p)).findFirst().orElse(null);
        }
    }

    /**
     * Roughly how many bytes a segmented download has written to its part file: segments are written at
     * their offsets, so the file's length runs ahead of them; this counts the 64 KiB blocks that hold data.
     */
    private static long written(Path part) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(part);
        } catch (NoSuchFileException e) {
            return 0;
        }
        long n = 0;
        for (int block = 0; block < bytes.length; block += 64 * 1024) {
            int end = Math.min(bytes.length, block + 64 * 1024);
            for (int i = block; i < end; i++) {
                if (bytes[i] != 0) {
                    n += end - block;
                    break;
                }
            }
        }
        return n;
    }

    /**
     * Puts a node's directory back. The tracker's heartbeat probes write to the node, so they may have
     * created its directory again meanwhile: then the old directory's files are moved into it.
     */
    private static void restore(Path gone, Path nodeDir) throws IOException {
        try {
            Files.move(gone, nodeDir);
            return;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException recreated) {
            // merge below
        }
        List<Path> old;
        try (Stream<Path> files = Files.walk(gone)) {
            old = files.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : old) {
            Path to = nodeDir.resolve(gone.relativize(p).toString());
            if (Files.isRegularFile(p) && !Files.exists(to)) {
                Files.createDirectories(to.getParent());
                Files.move(p, to);
            } else {
                Files.deleteIfExists(p); // a copy made meanwhile is kept; directories are empty by now
            }
        }
    }
}
