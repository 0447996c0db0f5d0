package dev.prune4j.prune;

import dev.prune4j.bench.PruneScaleBench;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block-streaming pruning writes exactly the tensors of the in-memory path (whole model in
 * float32, {@link DecoderBlocks}) converted to the stored dtype; bad inputs and failures leave no
 * output behind.
 */
class StreamingPrunerTest {
    @TempDir
    Path tmp;

    static List<int[]> windows(int vocab, int n, int len, long seed) {
        Rng rng = new Rng(seed);
        List<int[]> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] t = new int[len];
            for (int j = 0; j < len; j++) {
                t[j] = rng.nextInt(vocab);
            }
            w.add(t);
        }
        return w;
    }

    static OneShotPruner.Plan plan(String method) {
        return new Recipe(method, "0.5", null, null, null, null, null, null, null, null, null, null, null).toPlan();
    }

    /** The in-memory path's output: every parameter, the pruned linears converted to their stored dtype. */
    static Map<String, Tensor> inMemory(Path modelDir, OneShotPruner.Plan plan, List<int[]> windows) {
        Model model = ModelLoader.load(modelDir);
        LlamaDecoder decoder = new LlamaDecoder(model);
        OneShotPruner.run(new DecoderBlocks(decoder, windows), plan, Progress.NONE);
        Map<String, Tensor> out = new LinkedHashMap<>(model.parameters());
        LlamaConfig cfg = decoder.config();
        for (int b = 0; b < cfg.layers(); b++) {
            for (LlamaDecoder.LinearWeight w : decoder.linearWeights(b)) {
                Tensor f32 = Tensor.wrap(w.weight(), w.out(), w.in());
                DType stored = model.parameter(w.name()).dtype();
                out.put(w.name(), stored == DType.F32 ? f32 : f32.to(stored));
            }
        }
        return out;
    }

    static void assertSameTensors(Map<String, Tensor> want, Path outDir) {
        Map<String, Tensor> got = SafeTensors.read(outDir).tensors();
        assertEquals(want.keySet(), got.keySet(), "tensor names");
        for (Map.Entry<String, Tensor> e : want.entrySet()) {
            Tensor g = got.get(e.getKey());
            Tensor w = e.getValue();
            assertEquals(w.dtype(), g.dtype(), e.getKey());
            assertEquals(w.shape(), g.shape(), e.getKey());
            MemorySegment a = w.contiguousBytes();
            MemorySegment b = g.contiguousBytes();
            assertEquals(-1L, a.mismatch(b), e.getKey() + ": first differing byte");
        }
    }

    @Test
    void syntheticBf16ModelMatchesTheInMemoryPathForSparseGptAndWanda() {
        Path model = tmp.resolve("model");
        PruneScaleBench.writeModel(model, PruneScaleBench.Size.TINY, 2, 5);
        List<int[]> calib = windows(256, 3, 24, 9);
        for (String method : List.of("sparsegpt", "wanda")) {
            Map<String, Tensor> want = inMemory(model, plan(method), calib);
            Path out = tmp.resolve("out-" + method);
            StreamingPruner.Result r = StreamingPruner.run(model, out, plan(method), calib, Progress.NONE, false);
            assertEquals(14, r.layers().size(), method);
            r.layers().forEach(l -> assertEquals(0.5, l.achieved(), 1e-12, l.name()));
            assertSameTensors(want, out);
            assertTrue(Files.isRegularFile(out.resolve("config.json")), "config copied");
            // a pruned weight is an exact zero in the stored BF16
            Tensor q = SafeTensors.read(out).require("model.layers.0.self_attn.q_proj.weight");
            long zeros = 0;
            for (float v : q.toFloatArray()) {
                zeros += Float.floatToRawIntBits(v) == 0 ? 1 : 0;
            }
            assertTrue(zeros >= q.numel() / 2, method + ": at least half the q_proj weights are +0.0, found " + zeros);
        }
    }

    @Test
    void stories260kHfMatchesTheInMemoryPath() {
        Path model = SharedData.require("fixtures/stories260K-hf/config.json").getParent();
        List<int[]> calib = windows(512, 4, 64, 3);
        Map<String, Tensor> want = inMemory(model, plan("sparsegpt"), calib);
        Path out = tmp.resolve("out");
        StreamingPruner.run(model, out, plan("sparsegpt"), calib, Progress.NONE, false);
        assertSameTensors(want, out);
    }

    @Test
    void refusesAnExistingOutputAndNonUniformAllocation() throws IOException {
        Path model = tmp.resolve("model");
        PruneScaleBench.writeModel(model, PruneScaleBench.Size.TINY, 1, 5);
        Path out = Files.createDirectories(tmp.resolve("exists"));
        BadInputException e = assertThrows(BadInputException.class,
                () -> StreamingPruner.run(model, out, plan("wanda"), windows(256, 1, 8, 1), Progress.NONE, false));
        assertTrue(e.getMessage().contains("exists"), e.getMessage());
        OneShotPruner.Plan owl = new Recipe("wanda", "0.5", null, "owl", null, null, null, null, null, null, null, null, null)
                .toPlan();
        BadInputException e2 = assertThrows(BadInputException.class,
                () -> StreamingPruner.run(model, tmp.resolve("o2"), owl, windows(256, 1, 8, 1), Progress.NONE, false));
        assertTrue(e2.getMessage().contains("uniform"), e2.getMessage());
        assertFalse(Files.exists(tmp.resolve("o2")));
    }

    @Test
    void missingTensorAndIntegerWeightsAreClearErrors() throws IOException {
        Path model = tmp.resolve("model");
        PruneScaleBench.writeModel(model, PruneScaleBench.Size.TINY, 1, 5);
        Map<String, Tensor> params = new LinkedHashMap<>();
        SafeTensors.read(model).tensors().forEach((k, v) -> params.put(k, v.contiguous().to(v.dtype())));

        Path missing = Files.createDirectories(tmp.resolve("missing"));
        Files.copy(model.resolve("config.json"), missing.resolve("config.json"));
        Map<String, Tensor> less = new LinkedHashMap<>(params);
        less.remove("model.layers.0.mlp.up_proj.weight");
        SafeTensors.write(missing.resolve("model.safetensors"), less);
        BadInputException e = assertThrows(BadInputException.class,
                () -> StreamingPruner.run(missing, tmp.resolve("o1"), plan("wanda"), windows(256, 1, 8, 1), Progress.NONE, false));
        assertTrue(e.getMessage().contains("model.layers.0.mlp.up_proj.weight"), e.getMessage());

        Path ints = Files.createDirectories(tmp.resolve("ints"));
        Files.copy(model.resolve("config.json"), ints.resolve("config.json"));
        Map<String, Tensor> bad = new LinkedHashMap<>(params);
        bad.put("model.layers.0.self_attn.k_proj.weight", Tensor.zeros(DType.I32, params.get("model.layers.0.self_attn.k_proj.weight").shape()));
        SafeTensors.write(ints.resolve("model.safetensors"), bad);
        BadInputException e2 = assertThrows(BadInputException.class,
                () -> StreamingPruner.run(ints, tmp.resolve("o2"), plan("wanda"), windows(256, 1, 8, 1), Progress.NONE, false));
        assertTrue(e2.getMessage().contains("k_proj") && e2.getMessage().contains("I32"), e2.getMessage());
    }

    @Test
    void aFailedRunLeavesNoOutputAndNoTemporaryFiles() throws IOException {
        Path model = tmp.resolve("model");
        PruneScaleBench.writeModel(model, PruneScaleBench.Size.TINY, 2, 5);
        Path outDir = Files.createDirectories(tmp.resolve("outs"));
        Path out = outDir.resolve("pruned");
        Progress failing = (done, total, name) -> {
            if (done == 9) {
                throw new IllegalStateException("interrupted at layer 9");
            }
        };
        assertThrows(IllegalStateException.class,
                () -> StreamingPruner.run(model, out, plan("sparsegpt"), windows(256, 2, 16, 1), failing, false));
        try (Stream<Path> left = Files.list(outDir)) {
            assertEquals(List.of(), left.toList(), "nothing left in the output's directory");
        }
    }
}
