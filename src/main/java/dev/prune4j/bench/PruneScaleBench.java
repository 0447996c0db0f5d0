package dev.prune4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.io.SafeTensorsStreamWriter;
import dev.prune4j.model.Architectures;
import dev.prune4j.prune.Allocation;
import dev.prune4j.prune.OneShotPruner;
import dev.prune4j.prune.PhaseTimes;
import dev.prune4j.prune.SparseGpt;
import dev.prune4j.prune.Sparsity;
import dev.prune4j.prune.StreamingPruner;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Halfs;
import dev.prune4j.tensor.Rng;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end streaming SparseGPT on a synthetic LLaMA-shaped checkpoint in BF16 (seeded uniform
 * weights written to a temporary directory, memory-mapped when pruned): wall time per phase and
 * peak resident memory (VmHWM) against the model file's size and one block's activations.
 */
public final class PruneScaleBench {
    private static final java.lang.foreign.ValueLayout.OfShort BF16_LE =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private PruneScaleBench() {
    }

    /** A LLaMA shape: hidden, intermediate, layers, heads, kv heads, vocabulary. */
    public enum Size {
        TINY(64, 172, 2, 4, 2, 256),
        M300(1024, 2816, 16, 16, 16, 32000),
        B1(2048, 5632, 22, 32, 4, 32000),
        B7(4096, 11008, 32, 32, 32, 32000);

        final int hidden;
        final int inter;
        final int layers;
        final int heads;
        final int kvHeads;
        final int vocab;

        Size(int hidden, int inter, int layers, int heads, int kvHeads, int vocab) {
            this.hidden = hidden;
            this.inter = inter;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.vocab = vocab;
        }
    }

    /** Options: size, blocks (0 = the size's), calibration windows × tokens, seed, threads, calibration order. */
    public record Options(Size size, int layers, int samples, int seqLen, long seed, int threads,
                          OneShotPruner.Sequential sequential) {
        public Options {
            if (layers < 0 || samples <= 0 || seqLen <= 0 || threads <= 0 || sequential == null) {
                throw new IllegalArgumentException("prune-scale: layers >= 0, samples, seq-len and threads > 0, sequential set");
            }
        }

        /** Block-sequential options (the reference implementations' order). */
        public Options(Size size, int layers, int samples, int seqLen, long seed, int threads) {
            this(size, layers, samples, seqLen, seed, threads, OneShotPruner.Sequential.BLOCK);
        }

        int blocks() {
            return layers == 0 ? size.layers : layers;
        }
    }

    /** Writes the synthetic BF16 checkpoint (config.json + model.safetensors) into {@code dir}. */
    public static long writeModel(Path dir, Size s, int layers, long seed) {
        try {
            Files.createDirectories(dir);
            ObjectNode c = new ObjectMapper().createObjectNode();
            c.putArray("architectures").add("LlamaForCausalLM");
            c.put("model_type", "llama");
            c.put("hidden_size", s.hidden);
            c.put("intermediate_size", s.inter);
            c.put("num_hidden_layers", layers);
            c.put("num_attention_heads", s.heads);
            c.put("num_key_value_heads", s.kvHeads);
            c.put("vocab_size", s.vocab);
            c.put("max_position_embeddings", 4096);
            c.put("rms_norm_eps", 1e-5);
            c.put("rope_theta", 10000.0);
            c.put("tie_word_embeddings", false);
            c.put("torch_dtype", "bfloat16");
            c.put("bos_token_id", 1);
            c.put("eos_token_id", 2);
            Path config = dir.resolve("config.json");
            Files.writeString(config, c.toPrettyString() + "\n");
            Map<String, Shape> shapes = Architectures.fromConfig(config).parameterShapes();
            List<SafeTensorsStreamWriter.Spec> specs = new ArrayList<>();
            shapes.forEach((n, sh) -> specs.add(new SafeTensorsStreamWriter.Spec(n, DType.BF16, sh)));
            try (SafeTensorsStreamWriter w = SafeTensorsStreamWriter.open(dir.resolve("model.safetensors"), specs,
                    Map.of("format", "pt"))) {
                for (SafeTensorsStreamWriter.Spec sp : specs) {
                    Rng rng = Rng.derived(seed, sp.name());
                    Tensor t = Tensor.zeros(DType.BF16, sp.shape());
                    long n = sp.shape().numel();
                    boolean norm = sp.shape().rank() == 1;
                    // weights uniform with std 1/sqrt(in) so activations keep their scale through
                    // the blocks (uniform: cheap to draw for billions of weights); norms 1
                    float a = norm ? 0f : (float) (Math.sqrt(3.0 / sp.shape().dim(sp.shape().rank() - 1)));
                    short[] chunk = new short[1 << 20];
                    for (long i0 = 0; i0 < n; i0 += chunk.length) {
                        int len = (int) Math.min(chunk.length, n - i0);
                        for (int i = 0; i < len; i++) {
                            chunk[i] = Halfs.floatToBf16(norm ? 1f : (2f * rng.nextFloat() - 1f) * a);
                        }
                        MemorySegment.copy(chunk, 0, t.segment(), BF16_LE, 2 * i0, len);
                    }
                    w.put(sp.name(), t);
                }
                w.commit();
                return w.fileBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Builds the model in a temporary directory, prunes it streaming, reports; deletes the files. */
    public static Map<String, Object> run(Options o, Path work, PrintWriter log) {
        dev.prune4j.kernels.Parallel.setThreads(o.threads());
        Path model = work.resolve("model");
        Path out = work.resolve("pruned");
        long t0 = System.nanoTime();
        log.printf("prune4j bench prune-scale: writing a synthetic %s model (%d blocks, BF16, seed %d) to %s%n",
                o.size(), o.blocks(), o.seed(), model);
        log.flush();
        long modelBytes = writeModel(model, o.size(), o.blocks(), o.seed());
        double writeModelSecs = (System.nanoTime() - t0) / 1e9;
        Rng rng = new Rng(o.seed() + 1);
        List<int[]> windows = new ArrayList<>();
        for (int i = 0; i < o.samples(); i++) {
            int[] w = new int[o.seqLen()];
            for (int j = 0; j < w.length; j++) {
                w[j] = rng.nextInt(o.size().vocab);
            }
            windows.add(w);
        }
        OneShotPruner.Plan plan = new OneShotPruner.Plan(new SparseGpt(), new Sparsity.Fraction(0.5), new Allocation.Uniform(),
                List.of(), Map.of(), o.sequential());
        long hwmBefore = dev.prune4j.eval.Memory.peakRss();
        log.printf("prune4j bench prune-scale: pruning with SparseGPT 50%%, %d x %d calibration tokens, %d threads, %s-sequential%n",
                o.samples(), o.seqLen(), o.threads(), o.sequential().name().toLowerCase(java.util.Locale.ROOT));
        log.flush();
        PhaseTimes times = new PhaseTimes();
        StreamingPruner.Result r = StreamingPruner.run(model, out, plan, windows,
                (done, total, name) -> {
                    log.printf("  [%d/%d] %s (%.0f s)%n", done, total, name, (System.nanoTime() - t0) / 1e9 - writeModelSecs);
                    log.flush();
                }, false, times);
        long hwm = dev.prune4j.eval.Memory.peakRss();
        double pruneSecs = r.layers().stream().mapToDouble(OneShotPruner.LayerResult::seconds).sum();
        long activations = 4L * o.samples() * o.seqLen() * o.size().hidden;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", o.size().name().toLowerCase(java.util.Locale.ROOT));
        m.put("hidden", o.size().hidden);
        m.put("intermediate", o.size().inter);
        m.put("blocks", o.blocks());
        m.put("calibration", o.samples() + " x " + o.seqLen());
        m.put("threads", o.threads());
        m.put("seed", o.seed());
        m.put("sequential", o.sequential().name().toLowerCase(java.util.Locale.ROOT));
        m.put("model_file_bytes", modelBytes);
        m.put("output_file_bytes", r.outputBytes());
        m.put("write_model_seconds", writeModelSecs);
        m.put("seconds", r.seconds());
        m.put("seconds_per_block", r.seconds() / o.blocks());
        m.put("load_seconds", r.loadSeconds());
        m.put("prune_seconds", pruneSecs);
        m.put("write_seconds", r.writeSeconds());
        m.put("calibration_seconds", r.seconds() - r.loadSeconds() - pruneSecs - r.writeSeconds());
        m.put("phase_seconds", times.seconds());
        // the whole model's time from this run: every block costs what these did, and the pruned
        // forward runs once per block that feeds another (not after the last)
        double prunedFwd = times.secondsStartingWith("pruned forward");
        long fwdBlocks = times.count(OneShotPruner.PRUNED_FORWARD_BLOCKS, 0);
        int all = o.size().layers;
        if (fwdBlocks > 0) {
            double perBlock = (r.seconds() - prunedFwd) / o.blocks();
            m.put("projected_full_depth_seconds", perBlock * all + prunedFwd / fwdBlocks * (all - 1));
            m.put("projected_full_depth_blocks", all);
        } else if (o.sequential() == OneShotPruner.Sequential.LAYER) {
            // one forward per block, the last one included: every block costs what these did
            m.put("projected_full_depth_seconds", r.seconds() / o.blocks() * all);
            m.put("projected_full_depth_blocks", all);
        }
        m.put("peak_rss_bytes", hwm);
        m.put("peak_rss_before_prune_bytes", hwmBefore);
        m.put("activation_bytes", activations);
        m.put("rss_over_model_plus_activations", (double) hwm / (modelBytes + activations));
        m.put("budget_ratio", (double) hwm / (1.3 * modelBytes + activations));
        m.put("achieved_sparsity", r.layers().stream().mapToLong(OneShotPruner.LayerResult::pruned).sum()
                / (double) r.layers().stream().mapToLong(l -> (long) l.out() * l.in()).sum());
        return m;
    }
}
