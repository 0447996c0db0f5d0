package dev.prune4j.model.bert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.prune4j.io.HfHub;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --model org/name}: a tiny random BERT served by a fixture hub on 127.0.0.1, end to end. */
class HubEncoderTest {
    private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;

    @Test
    void hubIdDownloadsAndEmbedsLikeTheLocalDirectory() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        BertConfig c = new BertConfig(30522, 16, 1, 2, 32, 64, 2, 1e-12, Activation.GELU);
        Map<String, Tensor> w = new LinkedHashMap<>();
        Rng rng = new Rng(11);
        for (Map.Entry<String, Shape> e : c.parameterShapes().entrySet()) {
            float[] a = new float[(int) e.getValue().numel()];
            rng.fillUniform(a, -0.5f, 0.5f);
            w.put(e.getKey(), Tensor.wrap(a, e.getValue().dims()));
        }
        SafeTensors.write(repo.resolve("model.safetensors"), w);
        new ObjectMapper().writeValue(repo.resolve("config.json").toFile(), c.toConfigJson());
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(BuiltinEncoder.ALL_MINILM_L6_V2.tokenizerResource())) {
            Files.copy(in, repo.resolve("tokenizer.json"));
        }
        Files.writeString(repo.resolve("README.md"), "not needed");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            byte[] body;
            if (path.equals("/api/models/org/tiny-bert/revision/main")) {
                body = ("{\"sha\":\"" + COMMIT + "\",\"siblings\":[{\"rfilename\":\"config.json\"},{\"rfilename\":\"tokenizer.json\"},"
                        + "{\"rfilename\":\"model.safetensors\"},{\"rfilename\":\"README.md\"}]}").getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/org/tiny-bert/resolve/" + COMMIT + "/")) {
                Path f = repo.resolve(path.substring(path.lastIndexOf('/') + 1));
                body = Files.readAllBytes(f);
                ex.getResponseHeaders().add(f.toString().endsWith(".safetensors") ? "X-Linked-Etag" : "ETag",
                        "\"" + sha256(body) + "\"");
            } else {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : body.length);
            try (OutputStream o = ex.getResponseBody()) {
                if (!head) {
                    o.write(body);
                }
            }
        });
        server.start();
        try {
            HfHub hub = new HfHub(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), tmp.resolve("cache"), null, false);
            List<String> texts = List.of("Downloaded from a fixture hub.", "A second sentence, a little longer than the first one.");
            try (SentenceEncoder fromHub = EncoderLoader.load("org/tiny-bert", EncoderLoader.Options.defaults(), hub);
                 SentenceEncoder local = EncoderLoader.load(repo.toString())) {
                assertEquals(c, fromHub.encoder().config());
                float[][] a = fromHub.embed(texts);
                float[][] b = local.embed(texts);
                for (int i = 0; i < a.length; i++) {
                    assertArrayEquals(b[i], a[i], 1e-6f);
                }
            }
            Path snap = tmp.resolve("cache/models--org--tiny-bert/snapshots/" + COMMIT);
            assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"),
                    Files.list(snap).map(p -> p.getFileName().toString()).sorted().toList());
        } finally {
            server.stop(0);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
