package io.caravan.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's nginx serving a directory on a port of 127.0.0.1: the reference server for HTTP behaviour. */
final class NginxProcess {

    static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private Process process;

    NginxProcess(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    Path root() {
        return dir.resolve("www");
    }

    NginxProcess start() throws Exception {
        Files.createDirectories(root());
        Files.createDirectories(dir.resolve("tmp"));
        Path conf = dir.resolve("nginx.conf");
        String tmp = dir.resolve("tmp").toString();
        Files.writeString(conf, String.join("\n",
                "daemon off;", "worker_processes 1;", "error_log " + dir.resolve("error.log") + ";",
                "pid " + dir.resolve("nginx.pid") + ";", "events { worker_connections 256; }", "http {",
                "  access_log off;", "  default_type application/octet-stream;",
                "  client_body_temp_path " + tmp + "; proxy_temp_path " + tmp + "; fastcgi_temp_path " + tmp + ";",
                "  uwsgi_temp_path " + tmp + "; scgi_temp_path " + tmp + ";",
                "  server { listen 127.0.0.1:" + port + "; root " + root() + "; }", "}", ""));
        process = new ProcessBuilder(BINARY.toString(), "-c", conf.toString(), "-p", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited, see " + dir.resolve("nginx.out"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nginx not listening on " + port);
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
