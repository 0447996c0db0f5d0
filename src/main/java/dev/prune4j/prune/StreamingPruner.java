package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.io.SafeTensorsStreamWriter;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.model.HfCheckpointWriter;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One-shot pruning of a Hugging Face decoder checkpoint that is larger than memory in float32:
 * the weights stay memory-mapped in their stored dtype, one block at a time is materialised in
 * float32, calibrated on the current activations (sequentially, as {@link OneShotPruner} does),
 * pruned, and written to the output safetensors in the stored dtype (pruned weights exact zeros),
 * then dropped. Memory holds one block in float32, its calibration statistics and the
 * activations [samples·tokens, hidden], plus whatever mapped pages the kernel keeps.
 * The output directory is built under a temporary name and renamed at the end.
 */
public final class StreamingPruner {

    /** What a run did and where the time went. */
    public record Result(List<OneShotPruner.LayerResult> layers, Path out, long outputBytes, double loadSeconds,
                         double writeSeconds, double seconds) {
        public Result {
            layers = List.copyOf(layers);
        }
    }

    private StreamingPruner() {
    }

    /**
     * Prunes the checkpoint directory {@code modelDir} into {@code out} with {@code plan}
     * (uniform allocation) calibrated on {@code windows}; refuses an existing {@code out}
     * unless {@code overwrite}.
     */
    public static Result run(Path modelDir, Path out, OneShotPruner.Plan plan, List<int[]> windows, Progress progress,
                             boolean overwrite) {
        return run(modelDir, out, plan, windows, progress, overwrite, new PhaseTimes());
    }

    /** {@link #run(Path, Path, OneShotPruner.Plan, List, Progress, boolean)}, adding where the time went to {@code times}. */
    public static Result run(Path modelDir, Path out, OneShotPruner.Plan plan, List<int[]> windows, Progress progress,
                             boolean overwrite, PhaseTimes times) {
        long t0 = System.nanoTime();
        if (!Files.isDirectory(modelDir)) {
            throw new BadInputException(modelDir + ": streaming pruning needs a Hugging Face checkpoint directory "
                    + "(config.json + safetensors)");
        }
        if (Files.exists(out) && !overwrite) {
            throw new BadInputException(out + ": output directory exists; choose another --out or pass --overwrite");
        }
        Model model = ModelLoader.load(modelDir);
        if (!(model.architecture() instanceof LlamaConfig cfg)) {
            throw new BadInputException(modelDir + ": streaming pruning supports LLaMA-family decoders, found "
                    + model.architecture().modelType());
        }
        if (cfg.ropeLayout() != Kernels.RopeLayout.HALF) {
            throw new BadInputException(modelDir + ": streaming pruning writes Hugging Face layout and needs a Hugging Face "
                    + "checkpoint (RoPE layout HALF), found " + cfg.ropeLayout());
        }
        for (int b = 0; b < cfg.layers(); b++) {
            for (String name : LlamaDecoder.linearNames(b)) {
                DType d = model.parameter(name).dtype();
                if (!d.isFloating()) {
                    throw new BadInputException(modelDir + ": tensor '" + name + "' is " + d
                            + "; pruning needs F32, F16 or BF16 weights");
                }
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        SafeTensorsStreamWriter writer = null;
        try {
            Files.createDirectories(parent);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            List<SafeTensorsStreamWriter.Spec> specs = new ArrayList<>();
            model.parameters().forEach((n, t) -> specs.add(new SafeTensorsStreamWriter.Spec(n, t.dtype(), t.shape())));
            writer = SafeTensorsStreamWriter.open(tmp.resolve(SafeTensors.SINGLE_FILE), specs, Map.of("format", "pt"));
            long w0 = System.nanoTime();
            for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
                if (!e.getKey().startsWith("model.layers.")) {
                    writer.put(e.getKey(), e.getValue()); // embeddings, final norm, head: as stored
                    release(e.getValue());
                }
            }
            long[] writeNanos = {System.nanoTime() - w0};
            SafeTensorsStreamWriter w = writer;
            StreamingDecoderBlocks blocks = new StreamingDecoderBlocks(model, windows, (b, linears) -> {
                long s0 = System.nanoTime();
                writeBlock(w, model, b, linears);
                writeNanos[0] += System.nanoTime() - s0;
            });
            List<OneShotPruner.LayerResult> results = OneShotPruner.run(blocks, plan, progress, times);
            long c0 = System.nanoTime();
            writer.commit();
            long bytes = writer.fileBytes();
            Path config = modelDir.resolve("config.json");
            Files.copy(config, tmp.resolve("config.json"));
            for (Path f : HfCheckpointWriter.sideFiles(modelDir)) {
                Files.copy(f, tmp.resolve(f.getFileName().toString()));
            }
            if (Files.exists(out)) {
                deleteTree(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            writeNanos[0] += System.nanoTime() - c0;
            times.add("load blocks (widen to float32)", (long) (blocks.loadSeconds() * 1e9));
            times.add("write", writeNanos[0]);
            return new Result(results, out, bytes, blocks.loadSeconds(), writeNanos[0] / 1e9, (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        } finally {
            if (writer != null) {
                writer.close();
            }
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary directory is named so it is recognisable
            }
        }
    }

    /** Writes block b: its linears from the pruned float32 weights in the stored dtype, the rest as stored. */
    private static void writeBlock(SafeTensorsStreamWriter w, Model model, int b, List<BlockwiseModel.Linear> linears) {
        Map<String, BlockwiseModel.Linear> byName = new HashMap<>();
        linears.forEach(l -> byName.put(l.name(), l));
        String prefix = "model.layers." + b + ".";
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            BlockwiseModel.Linear l = byName.get(e.getKey());
            Tensor stored = e.getValue();
            if (l != null) {
                Tensor f32 = Tensor.wrap(l.weight(), l.out(), l.in()); // W: [out, in]
                w.put(e.getKey(), stored.dtype() == DType.F32 ? f32 : f32.to(stored.dtype()));
            } else {
                w.put(e.getKey(), stored);
            }
            release(stored);
        }
    }

    private static void release(Tensor t) {
        MemorySegment seg = t.segment();
        if (seg != null && seg.isMapped()) {
            seg.unload();
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
