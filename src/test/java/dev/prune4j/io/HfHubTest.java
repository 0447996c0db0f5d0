package dev.prune4j.io;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.prune4j.core.BadInputException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HfHub} against a fixture hub on 127.0.0.1 (com.sun.net.httpserver) that speaks the
 * parts of the Hugging Face protocol prune4j uses: the revision API, resolve URLs with ETags,
 * LFS files behind a redirect with X-Linked-Etag, and Range requests.
 */
class HfHubTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path cache;

    private HttpServer server;
    private final byte[] config = "{\"model_type\": \"bert\"}\n".getBytes(StandardCharsets.UTF_8);
    private final byte[] weights = new byte[300_000];
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile boolean cutFirstDownload;
    private volatile boolean wrongChecksum;
    private volatile boolean downloadCut;

    @BeforeEach
    void start() throws IOException {
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (byte) (i * 31 + (i >> 8));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private HfHub hub(String token) {
        return new HfHub(endpoint(), cache, token, false);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        log.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range)
                + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
        boolean head = ex.getRequestMethod().equals("HEAD");
        String resolve = "/org/tiny/resolve/" + COMMIT + "/";
        if (path.equals("/api/models/org/tiny/revision/main")) {
            send(ex, 200, ("{\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"config.json\"},"
                    + "{\"rfilename\":\"model.safetensors\"},{\"rfilename\":\"README.md\"}]}").getBytes(StandardCharsets.UTF_8), head);
        } else if (path.equals(resolve + "config.json")) {
            ex.getResponseHeaders().add("ETag", "\"" + gitBlobSha1(config) + "\"");
            send(ex, 200, config, head);
        } else if (path.equals(resolve + "model.safetensors")) {
            String sha = sha256(weights);
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + (wrongChecksum ? sha.replace('a', 'b').replace('1', '2') : sha) + "\"");
            ex.getResponseHeaders().add("Location", "/cdn/blob");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        } else if (path.equals("/cdn/blob")) {
            if (range != null) {
                int from = Integer.parseInt(range.replace("bytes=", "").replace("-", ""));
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (weights.length - 1) + "/" + weights.length);
                ex.sendResponseHeaders(206, weights.length - from);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(weights, from, weights.length - from);
                }
            } else if (cutFirstDownload && !downloadCut) {
                downloadCut = true; // promise all bytes, send a third, drop the connection
                ex.sendResponseHeaders(200, weights.length);
                OutputStream o = ex.getResponseBody();
                o.write(weights, 0, weights.length / 3);
                o.flush();
                ex.close();
            } else {
                send(ex, 200, weights, head);
            }
        } else {
            send(ex, 404, "not found".getBytes(StandardCharsets.UTF_8), head);
        }
    }

    private static void send(HttpExchange ex, int code, byte[] body, boolean head) throws IOException {
        ex.sendResponseHeaders(code, head ? -1 : body.length);
        try (OutputStream o = ex.getResponseBody()) {
            if (!head) {
                o.write(body);
            }
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String gitBlobSha1(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean wanted(String f) {
        return !f.equals("README.md");
    }

    @Test
    void downloadsIntoTheHfCacheLayoutAndReusesIt() throws IOException {
        Path snap = hub("secret-token").download("org/tiny", "main", HfHubTest::wanted);
        assertEquals(cache.resolve("models--org--tiny/snapshots/" + COMMIT), snap);
        assertArrayEquals(config, Files.readAllBytes(snap.resolve("config.json")));
        assertArrayEquals(weights, Files.readAllBytes(snap.resolve("model.safetensors")));
        assertFalse(Files.exists(snap.resolve("README.md")), "files the caller does not want are not fetched");
        assertEquals(COMMIT, Files.readString(cache.resolve("models--org--tiny/refs/main")));
        assertTrue(Files.isRegularFile(cache.resolve("models--org--tiny/blobs/" + sha256(weights))));
        assertTrue(log.stream().allMatch(l -> l.endsWith("auth=Bearer secret-token")), log.toString());
        long gets = log.stream().filter(l -> l.startsWith("GET /cdn/blob")).count();
        hub("secret-token").download("org/tiny", "main", HfHubTest::wanted);
        assertEquals(gets, log.stream().filter(l -> l.startsWith("GET /cdn/blob")).count(), "cached files are not fetched again");
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws IOException {
        cutFirstDownload = true;
        HfHub hub = hub(null);
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> hub.download("org/tiny", "main", HfHubTest::wanted));
        assertTrue(e.getMessage().contains("interrupted") && e.getMessage().contains("run again to resume"), e.getMessage());
        Path part = cache.resolve("models--org--tiny/blobs/" + sha256(weights) + ".incomplete");
        assertTrue(Files.size(part) > 0 && Files.size(part) < weights.length, "a partial file is kept");
        long have = Files.size(part);
        Path snap = hub.download("org/tiny", "main", HfHubTest::wanted);
        assertArrayEquals(weights, Files.readAllBytes(snap.resolve("model.safetensors")));
        assertTrue(log.contains("GET /cdn/blob bytes=" + have + "- auth=null"), log.toString());
        assertFalse(Files.exists(part));
    }

    @Test
    void aChecksumMismatchIsAClearErrorAndLeavesNoBlob() {
        wrongChecksum = true;
        BadInputException e = assertThrows(BadInputException.class,
                () -> hub(null).download("org/tiny", "main", HfHubTest::wanted));
        assertTrue(e.getMessage().startsWith("org/tiny/model.safetensors: checksum mismatch: the hub's ETag is "),
                e.getMessage());
        assertTrue(e.getMessage().contains("hash to " + sha256(weights)), e.getMessage());
        assertFalse(Files.exists(cache.resolve("models--org--tiny/snapshots/" + COMMIT + "/model.safetensors")));
    }

    @Test
    void unknownRepoIsA404Message() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> hub(null).download("org/missing", "main", f -> true));
        assertTrue(e.getMessage().contains("HTTP 404") && e.getMessage().contains("org/missing"), e.getMessage());
        assertTrue(HfHub.isRepoId("BAAI/bge-small-en-v1.5"));
        assertFalse(HfHub.isRepoId("../etc/passwd"));
        assertFalse(HfHub.isRepoId("all-minilm-l6-v2"));
    }

    @Test
    void offlineUsesTheCacheOnly() throws IOException {
        hub(null).download("org/tiny", "main", HfHubTest::wanted);
        int before = log.size();
        Path snap = new HfHub(endpoint(), cache, null, true).download("org/tiny", "main", HfHubTest::wanted);
        assertEquals(before, log.size(), "offline mode makes no request");
        assertArrayEquals(config, Files.readAllBytes(snap.resolve("config.json")));
        assertThrows(BadInputException.class, () -> new HfHub(endpoint(), cache, null, true).download("org/other", "main", f -> true));
    }
}
