package dev.prune4j.model.bert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * prune4j's encoder against ONNX Runtime running the very same .onnx file from the built-in jars:
 * same token ids in, last hidden states pooled here (mean over the sequence or [CLS], then L2
 * normalised, written independently of {@link SentenceEncoder}), cosine of the two embeddings.
 * The inputs are 43 sentences of our own plus one text of ~700 tokens that must be truncated to
 * the 512 positions of the model.
 */
class OnnxRuntimeParityTest {
    private static OrtEnvironment env;
    private static List<String> texts;

    @BeforeAll
    static void setUp() throws IOException {
        env = OrtEnvironment.getEnvironment();
        List<String> s;
        try (InputStream in = OnnxRuntimeParityTest.class.getResourceAsStream("/encoder/sentences.txt")) {
            s = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        texts = new ArrayList<>(s);
        texts.add(String.join(" ", s) + " " + String.join(" ", s.subList(0, 10))); // longer than 512 tokens
        assertTrue(texts.size() >= 41, "need at least 40 sentences plus the long one");
    }

    @AfterAll
    static void tearDown() {
        // the environment is a JVM-wide singleton; nothing to close
    }

    @ParameterizedTest
    @EnumSource(value = BuiltinEncoder.class, names = {"ALL_MINILM_L6_V2", "BGE_SMALL_EN_V15", "E5_SMALL_V2"})
    void fp32EmbeddingsEqualOnnxRuntime(BuiltinEncoder b) throws Exception {
        double worst = compare(b, texts, 0.99999);
        System.out.printf("%s: worst 1 - cosine to ONNX Runtime %.2e over %d texts%n", b.id(), 1 - worst, texts.size());
    }

    /**
     * Int8 exports: prune4j computes with dequantized float weights, ONNX Runtime also quantizes
     * activations on the fly, so the two agree closely but not to float precision.
     */
    @ParameterizedTest
    @EnumSource(value = BuiltinEncoder.class, names = {"ALL_MINILM_L6_V2_Q", "BGE_SMALL_EN_V15_Q", "E5_SMALL_V2_Q"})
    void int8EmbeddingsCloseToOnnxRuntime(BuiltinEncoder b) throws Exception {
        List<String> some = new ArrayList<>(texts.subList(0, 12));
        some.add(texts.getLast());
        double worst = compare(b, some, 0.95);
        System.out.printf("%s: worst cosine to ONNX Runtime (int8 activations) %.6f over %d texts%n", b.id(), worst,
                some.size());
    }

    private double compare(BuiltinEncoder b, List<String> texts, double minCosine) throws IOException, OrtException {
        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(b.onnxResource())) {
            onnx = in.readAllBytes();
        }
        double worst = 1;
        try (SentenceEncoder enc = EncoderLoader.loadBuiltin(b, EncoderLoader.Options.defaults());
             OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx, so)) {
                List<int[]> ids = enc.tokenizer().encode(texts);
                int[] longest = ids.getLast();
                assertEquals(512, longest.length, "the long text is truncated to the model's 512 positions");
                assertEquals(ids.getFirst()[0], longest[0], "[CLS] first");
                assertEquals(ids.getFirst()[ids.getFirst().length - 1], longest[511], "[SEP] last after truncation");
                float[][] ours = enc.embed(texts);
                for (int i = 0; i < texts.size(); i++) {
                    float[] ref = reference(session, ids.get(i), b.pooling());
                    assertEquals(ref.length, ours[i].length);
                    double cos = cosine(ours[i], ref);
                    worst = Math.min(worst, cos);
                    assertTrue(cos >= minCosine, b.id() + " text " + i + ": cosine " + cos + " < " + minCosine);
                }
                // the batch path and the one-text path agree
                assertArrayEquals(ours[3], enc.embed(List.of(texts.get(3)))[0], 1e-5f);
            }
        }
        return worst;
    }

    /** ONNX Runtime's last_hidden_state for one unpadded sequence, pooled and normalised. */
    private static float[] reference(OrtSession session, int[] ids, Pooling pooling) throws OrtException {
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
            double[] v = new double[h[0].length];
            int rows = pooling == Pooling.CLS ? 1 : h.length;
            for (int t = 0; t < rows; t++) {
                for (int j = 0; j < v.length; j++) {
                    v[j] += h[t][j];
                }
            }
            double n = 0;
            for (double x : v) {
                n += x * x;
            }
            n = Math.sqrt(n);
            float[] out = new float[v.length];
            for (int j = 0; j < v.length; j++) {
                out[j] = (float) (v[j] / n);
            }
            return out;
        }
    }

    static double cosine(float[] a, float[] b) {
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
