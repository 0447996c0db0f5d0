package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.prune.Allocation;
import dev.prune4j.prune.OneShotPruner;
import dev.prune4j.prune.Recipe;
import dev.prune4j.prune.StreamingPruner;
import dev.prune4j.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code prune4j prune}: one-shot pruning of a decoder or a sentence encoder with sequential
 * calibration, evaluation before and after with the protocol printed, the pruned model saved in
 * the family's formats plus a compact checkpoint, and a JSON report with the fully resolved
 * recipe. The family-specific half lives in a {@link PruneTarget}; everything else is one
 * pipeline. The output directory is assembled under a temporary name and renamed at the end, so
 * a failed or interrupted run leaves nothing behind.
 */
@Command(name = "prune", description = "One-shot pruning (magnitude, Wanda, SparseGPT, RIA, DSnoT, random) of a decoder or a "
        + "sentence encoder, with calibration, evaluation and a report.")
final class PruneCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M",
            description = "Decoder: checkpoint directory, .safetensors file (config.json next to it) or llama2.c .bin. "
                    + "Encoder: built-in name (all-minilm-l6-v2, bge-small-en-v15, e5-small-v2), .onnx file, or BERT checkpoint directory.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "T",
            description = "Decoders: llama2.c tokenizer .bin or tokenizer.json (default: next to the model).")
    Path tokenizer;

    @Option(names = "--recipe", paramLabel = "FILE", description = "YAML/JSON recipe; command-line options override its fields.")
    Path recipeFile;

    @Option(names = "--method", description = "magnitude | wanda | sparsegpt | ria | dsnot | random")
    String method;

    @Option(names = "--sparsity", description = "Fraction such as 0.5, or N:M such as 2:4.")
    String sparsity;

    @Option(names = "--granularity", description = "layer | row (default: layer for magnitude, else row).")
    String granularity;

    @Option(names = "--allocation", description = "uniform | global | owl (default: uniform).")
    String allocation;

    @Option(names = "--sequential", paramLabel = "block|layer", description = "Where each layer's calibration inputs come from. "
            + "block (default, as the SparseGPT/Wanda reference code): the dense block, then a second forward with the pruned weights "
            + "feeds the next block. layer (GPTQ's 'true sequential'): the already-pruned layers before it in the block, in one forward per block.")
    String sequential;

    @Option(names = "--scope", paramLabel = "REGEX", description = "Linear layers to prune (Java regex over parameter names, full match; repeatable). Default: every linear inside the blocks.")
    List<String> scope;

    @Option(names = "--calib", paramLabel = "FILE", description = "Calibration text (.txt/.jsonl). Decoders: cut into token windows "
            + "like evaluation text (required by data-aware methods). Encoders: one sentence per line (default: the built-in corpus).")
    Path calib;

    @Option(names = "--calib-windows", description = "Decoders: calibration windows (default 16).")
    Integer calibWindows;

    @Option(names = "--calib-window", description = "Decoders: tokens per calibration window (default 256).")
    Integer calibWindow;

    @Option(names = "--calib-start", paramLabel = "INDEX", description = "Decoders: token index of the first calibration window; "
            + "encoders: index of the first calibration sentence (default 0).")
    Long calibStart;

    @Option(names = "--calib-sentences", description = "Encoders: calibration sentences (default 128).")
    Integer calibSentences;

    @Option(names = "--max-length", description = "Encoders: longest tokenized sentence, [CLS] and [SEP] included (default: the model's limit).")
    Integer maxLength;

    @Option(names = "--seed", description = "Seed for every random choice (default 0).")
    Long seed;

    @Option(names = "--eval-text", paramLabel = "FILE", description = "Decoders: text for perplexity (default: the calibration text). "
            + "Encoders: held-out sentences, one per line (default: built-in corpus sentences not used for calibration).")
    Path evalText;

    @Option(names = "--eval-windows", description = "Decoders: evaluation windows (default 32).")
    Integer evalWindows;

    @Option(names = "--eval-window", description = "Decoders: tokens per evaluation window (default 256).")
    Integer evalWindow;

    @Option(names = "--eval-sentences", description = "Encoders: held-out sentences for embedding fidelity (default 256).")
    Integer evalSentences;

    @Option(names = "--no-eval", description = "Skip the evaluation before/after.")
    boolean noEval;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (checkpoints + report).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--stream", description = "Decoders in a Hugging Face directory: keep the weights memory-mapped in "
            + "their stored dtype (BF16/F16/F32) and prune one block at a time in float32, writing the output as it goes, "
            + "so a model that does not fit in RAM as float32 can be pruned. Uniform allocation only; no before/after "
            + "evaluation (run `prune4j eval --model OUT`) and no compact checkpoint.")
    boolean stream;

    @Option(names = "--json", description = "Print the report as one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The target of the last {@link #execute()} (for the demo, which looks at the pruned encoder). */
    PruneTarget target;

    @Override
    public Integer call() {
        Map<String, Object> report = execute();
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            Json.print(stdout, report);
        } else if (stream) {
            printStreamingTable(stdout, report);
        } else {
            printTable(stdout, report, target);
        }
        return Main.OK;
    }

    /** Prunes, evaluates, saves; returns the report (also written to {@code out/prune4j-report.json}). */
    Map<String, Object> execute() {
        long t0 = System.nanoTime();
        Recipe cli = new Recipe(method, sparsity, granularity, allocation, scope, null,
                new Recipe.Calibration(calib == null ? null : calib.toString(), calibWindows, calibWindow, calibStart,
                        calibSentences, maxLength),
                seed, null, null, null, null, null, sequential);
        Recipe given = (recipeFile == null ? Recipe.empty() : Recipe.read(recipeFile)).overriddenBy(cli);
        OneShotPruner.Plan plan = given.toPlan(); // validates method, sparsity, allocation before anything loads
        if (Files.exists(out) && !overwrite) {
            throw new BadInputException(out + ": output directory exists; choose another --out or pass --overwrite");
        }
        boolean needsCalib = plan.pruner().needsCalibration() || plan.allocation() instanceof Allocation.OutlierWeighted;
        if (stream) {
            return executeStreaming(given, plan, needsCalib, t0);
        }
        target = EncoderLoader.isEncoder(model) ? new EncoderPruneTarget(this, given, needsCalib)
                : new DecoderPruneTarget(this, given, needsCalib);
        Recipe recipe = target.recipe();

        target.evaluate(false);
        long tPrune = System.nanoTime();
        List<OneShotPruner.LayerResult> layers;
        try (ProgressBars bar = ProgressBars.open("prune " + recipe.method() + " " + recipe.sparsity(), 1)) {
            layers = OneShotPruner.run(target.blocks(), plan, bar);
        }
        double pruneSeconds = (System.nanoTime() - tPrune) / 1e9;
        target.evaluate(true);

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("prune4j.version", Versions.prune4j());
        meta.put("prune4j.recipe", Json.compact(recipe));
        Path abs = out.toAbsolutePath();
        Path staging = abs.resolveSibling("." + abs.getFileName() + ".prune4j-tmp-" + ProcessHandle.current().pid());
        try {
            deleteTree(staging);
            Files.createDirectories(abs.getParent());
            Map<String, Tensor> saved = target.write(staging, meta);
            List<CompactCheckpoint.TensorInfo> infos = CompactCheckpoint.write(staging.resolve(COMPACT_FILE), saved, meta);
            Map<String, Object> extra = target.outputs(staging, layers.stream().map(OneShotPruner.LayerResult::name).toList());
            Map<String, Object> report = report(recipe, layers, saved, infos, staging, extra, pruneSeconds,
                    (System.nanoTime() - t0) / 1e9);
            Files.writeString(staging.resolve(REPORT_FILE), Json.MAPPER.writeValueAsString(report) + "\n");
            if (Files.exists(out)) {
                deleteTree(out); // only reached with --overwrite
            }
            Files.move(staging, abs, StandardCopyOption.ATOMIC_MOVE);
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(staging);
            } catch (IOException ignored) {
                // best effort: the temporary directory is named so it is recognisable
            }
        }
    }

    /**
     * {@code --stream}: block-by-block pruning of a mapped decoder checkpoint ({@link StreamingPruner}); the
     * report counts the achieved sparsity from the written tensors and relates peak RSS to the model's bytes.
     */
    private Map<String, Object> executeStreaming(Recipe given, OneShotPruner.Plan plan, boolean needsCalib, long t0) {
        if (EncoderLoader.isEncoder(model)) {
            throw new BadInputException("--stream applies to decoders; " + model + " is an encoder (drop --stream)");
        }
        if (calibSentences != null || evalSentences != null || maxLength != null) {
            throw new BadInputException("--calib-sentences, --eval-sentences and --max-length apply to encoders; "
                    + model + " is a decoder");
        }
        if (evalText != null || evalWindows != null || evalWindow != null) {
            throw new BadInputException("--eval-text, --eval-windows and --eval-window do not apply with --stream "
                    + "(it does not evaluate); run prune4j eval --model " + out + " afterwards");
        }
        if (!(plan.allocation() instanceof Allocation.Uniform)) {
            throw new BadInputException("--stream supports uniform allocation only, found " + plan.allocation()
                    + " (drop --allocation or prune without --stream)");
        }
        Path dir = Path.of(model);
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(model + ": --stream needs a Hugging Face checkpoint directory (config.json + safetensors)");
        }
        Recipe recipe = given.withDefaults();
        DecoderInputs inputs = new DecoderInputs();
        inputs.model = dir;
        inputs.tokenizer = tokenizer;
        Model m = inputs.loadModel();
        Map<String, Object> calibProtocol = new LinkedHashMap<>();
        List<int[]> windows = DecoderPruneTarget.calibrationWindows(recipe, inputs.loadTokenizer(m), needsCalib, calibProtocol);
        long modelBytes = safetensorsBytes(dir);
        long tPrune = System.nanoTime();
        StreamingPruner.Result result;
        try (ProgressBars bar = ProgressBars.open("prune (streaming) " + recipe.method() + " " + recipe.sparsity(), 1)) {
            result = StreamingPruner.run(dir, out, plan, windows, bar, overwrite);
        }
        double pruneSeconds = (System.nanoTime() - tPrune) / 1e9;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("method", recipe.method());
        r.put("recipe", recipe);
        r.put("seed", recipe.seed());
        r.put("environment", Versions.environment());
        r.put("calibration", calibProtocol);
        r.put("mode", "streaming: weights memory-mapped, one block in float32 at a time");
        Model saved = ModelLoader.load(out); // mapped: the counts below read the written tensors
        putLayers(r, result.layers(), name -> saved.parameter(name));
        r.put("evaluation", Map.of("skipped", "--stream does not evaluate; run: prune4j eval --model " + out));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("hf_checkpoint", out.toString());
        o.put("hf_bytes", result.outputBytes());
        r.put("outputs", o);
        long rss = peakRss();
        r.put("model_bytes", modelBytes);
        r.put("seconds_loading", result.loadSeconds());
        r.put("seconds_writing", result.writeSeconds());
        r.put("seconds_pruning", pruneSeconds);
        r.put("seconds_total", (System.nanoTime() - t0) / 1e9);
        r.put("peak_heap_bytes", peakHeap());
        r.put("peak_rss_bytes", rss);
        r.put("peak_rss_over_model_bytes", rss < 0 || modelBytes == 0 ? null : (double) rss / modelBytes);
        Path report = out.resolve(REPORT_FILE);
        Path tmp = out.resolve("." + REPORT_FILE + ".tmp");
        try {
            Files.writeString(tmp, Json.MAPPER.writeValueAsString(r) + "\n");
            Files.move(tmp, report, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + report + ": " + e.getMessage(), e);
        }
        return r;
    }

    /**
     * The report's per-layer rows (target vs achieved sparsity, reconstruction error, time) and the
     * overall sparsity of the pruned layers, both counted from the saved tensors.
     */
    private static void putLayers(Map<String, Object> r, List<OneShotPruner.LayerResult> layers,
                                  java.util.function.Function<String, Tensor> saved) {
        long prunedTotal = 0;
        long weightsTotal = 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OneShotPruner.LayerResult l : layers) {
            long zeros = countZeros(saved.apply(l.name()));
            long n = (long) l.out() * l.in();
            prunedTotal += zeros;
            weightsTotal += n;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("shape", List.of(l.out(), l.in()));
            m.put("target", l.target());
            m.put("achieved", (double) zeros / n);
            m.put("recon_error", Double.isNaN(l.reconError()) ? null : l.reconError());
            m.put("recon_error_relative", Double.isNaN(l.reconErrorRelative()) ? null : l.reconErrorRelative());
            m.put("seconds", l.seconds());
            rows.add(m);
        }
        r.put("layers", rows);
        r.put("sparsity_of_pruned_layers", weightsTotal == 0 ? 0 : (double) prunedTotal / weightsTotal);
    }

    /** Elements equal to zero (either sign) of a 2-D tensor, read in row chunks (it may be mapped and large). */
    static long countZeros(Tensor t) {
        long zeros = 0;
        int rows = t.dim(0);
        int chunk = Math.max(1, (1 << 22) / Math.max(1, t.dim(1)));
        for (int r0 = 0; r0 < rows; r0 += chunk) {
            for (float v : t.slice(0, r0, Math.min(rows, r0 + chunk)).toFloatArray()) {
                if (v == 0f) {
                    zeros++;
                }
            }
        }
        return zeros;
    }

    private static long safetensorsBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            long sum = 0;
            for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList()) {
                sum += Files.size(f);
            }
            return sum;
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir + ": " + e.getMessage(), e);
        }
    }

    static final String COMPACT_FILE = "model.compact.safetensors";
    static final String REPORT_FILE = "prune4j-report.json";

    private Map<String, Object> report(Recipe recipe, List<OneShotPruner.LayerResult> layers, Map<String, Tensor> saved,
                                       List<CompactCheckpoint.TensorInfo> infos, Path dir, Map<String, Object> extra,
                                       double pruneSeconds, double totalSeconds) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("method", recipe.method());
        r.put("recipe", recipe);
        r.put("seed", recipe.seed());
        r.put("environment", Versions.environment());
        r.put("calibration", target.calibrationProtocol());
        putLayers(r, layers, saved::get);
        Map<String, Object> e = target.evaluation();
        if (e != null) {
            r.put("evaluation", e);
        }
        long dense = infos.stream().mapToLong(CompactCheckpoint.TensorInfo::denseBytes).sum();
        long stored = infos.stream().mapToLong(CompactCheckpoint.TensorInfo::storedBytes).sum();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("hf_checkpoint", out.toString());
        o.put("compact_checkpoint", out.resolve(COMPACT_FILE).toString());
        o.put("hf_bytes", Files.size(dir.resolve(SafeTensors.SINGLE_FILE)));
        o.put("compact_bytes", Files.size(dir.resolve(COMPACT_FILE)));
        o.put("tensor_bytes_dense", dense);
        o.put("tensor_bytes_compact", stored);
        o.putAll(extra);
        r.put("outputs", o);
        r.put("seconds_pruning", pruneSeconds);
        r.put("seconds_total", totalSeconds);
        r.put("peak_heap_bytes", peakHeap());
        r.put("peak_rss_bytes", peakRss());
        return r;
    }

    static long peakHeap() {
        long s = 0;
        for (var p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == java.lang.management.MemoryType.HEAP && p.getPeakUsage() != null) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }

    /** VmHWM of this process from /proc (Linux), or -1. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void printStreamingTable(PrintWriter out, Map<String, Object> r) {
        printLayers(out, r);
        Map<String, Object> o = (Map<String, Object>) r.get("outputs");
        out.printf("saved: %s (%d bytes, Hugging Face, dense with zeros, stored dtype)%n", o.get("hf_checkpoint"),
                (long) o.get("hf_bytes"));
        out.println(((Map<String, Object>) r.get("evaluation")).get("skipped"));
        out.printf("time: loading %.1f s, writing %.1f s, pruning %.1f s, total %.1f s; peak RSS %.1f MB = %.2fx the model's %.1f MB%n",
                (double) r.get("seconds_loading"), (double) r.get("seconds_writing"), (double) r.get("seconds_pruning"),
                (double) r.get("seconds_total"), (long) r.get("peak_rss_bytes") / 1e6,
                r.get("peak_rss_over_model_bytes") == null ? Double.NaN : (double) r.get("peak_rss_over_model_bytes"),
                (long) r.get("model_bytes") / 1e6);
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static void printLayers(PrintWriter out, Map<String, Object> r) {
        out.printf("%-50s %-14s %7s %9s %12s %8s%n", "layer", "shape", "target", "achieved", "rel. error", "time s");
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("layers")) {
            Object re = m.get("recon_error_relative");
            out.printf("%-50s %-14s %7s %9.4f %12s %8.3f%n", m.get("name"), m.get("shape").toString().replace(" ", ""),
                    m.get("target"), (double) m.get("achieved"), re == null ? "-" : String.format("%.5f", (double) re),
                    (double) m.get("seconds"));
        }
        out.printf("sparsity of the pruned layers: %.4f (counted from the saved tensors)%n", (double) r.get("sparsity_of_pruned_layers"));
    }

    @SuppressWarnings("unchecked")
    static void printTable(PrintWriter out, Map<String, Object> r, PruneTarget target) {
        printLayers(out, r);
        target.evaluationLines().forEach(out::println);
        Map<String, Object> o = (Map<String, Object>) r.get("outputs");
        out.printf("saved: %s (%d bytes, Hugging Face, dense with zeros); %s (%d bytes, compact, %.3fx of dense)%n",
                o.get("hf_checkpoint"), (long) o.get("hf_bytes"), o.get("compact_checkpoint"), (long) o.get("compact_bytes"),
                (double) (long) o.get("compact_bytes") / (long) o.get("hf_bytes"));
        target.outputLines(o, Path.of((String) o.get("hf_checkpoint"))).forEach(out::println);
        out.printf("time: pruning %.1f s, total %.1f s; peak RSS %.1f MB%n", (double) r.get("seconds_pruning"),
                (double) r.get("seconds_total"), (long) r.get("peak_rss_bytes") / 1e6);
        out.flush();
    }
}
