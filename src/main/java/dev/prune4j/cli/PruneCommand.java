package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import dev.prune4j.eval.Perplexity;
import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.model.HfCheckpointWriter;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.prune.DecoderBlocks;
import dev.prune4j.prune.OneShotPruner;
import dev.prune4j.prune.Recipe;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.text.Corpus;
import dev.prune4j.text.TokenStream;
import dev.prune4j.text.Tokenizer;
import dev.prune4j.text.Windows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j prune}: one-shot pruning of a decoder with calibration, evaluation before and
 * after with the protocol printed, a Hugging Face checkpoint (dense, exact zeros), a compact
 * checkpoint and a JSON report with the fully resolved recipe.
 */
@Command(name = "prune", description = "One-shot pruning (magnitude, Wanda, SparseGPT, RIA, DSnoT, random) with calibration, evaluation and a report.")
final class PruneCommand implements Callable<Integer> {
    @Mixin
    DecoderInputs inputs;

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

    @Option(names = "--scope", paramLabel = "REGEX", description = "Linear layers to prune (Java regex over parameter names, full match; repeatable). Default: every linear inside the blocks.")
    List<String> scope;

    @Option(names = "--calib", paramLabel = "FILE", description = "Calibration text (.txt/.jsonl), cut into windows like evaluation text.")
    Path calib;

    @Option(names = "--calib-windows", description = "Calibration windows (default 16).")
    Integer calibWindows;

    @Option(names = "--calib-window", description = "Tokens per calibration window (default 256).")
    Integer calibWindow;

    @Option(names = "--calib-start", paramLabel = "TOKEN", description = "Token index of the first calibration window (default 0).")
    Long calibStart;

    @Option(names = "--seed", description = "Seed for every random choice (default 0).")
    Long seed;

    @Option(names = "--eval-text", paramLabel = "FILE", description = "Text for perplexity before/after (default: the calibration text).")
    Path evalText;

    @Option(names = "--eval-windows", defaultValue = "32", description = "Evaluation windows (default: ${DEFAULT-VALUE}).")
    int evalWindows;

    @Option(names = "--eval-window", defaultValue = "256", description = "Tokens per evaluation window (default: ${DEFAULT-VALUE}).")
    int evalWindow;

    @Option(names = "--no-eval", description = "Skip the perplexity evaluation.")
    boolean noEval;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (Hugging Face checkpoint + compact checkpoint + report).")
    Path out;

    @Option(names = "--overwrite", description = "Replace an existing output directory.")
    boolean overwrite;

    @Option(names = "--json", description = "Print the report as one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        Recipe cli = new Recipe(method, sparsity, granularity, allocation, scope, null,
                new Recipe.Calibration(calib == null ? null : calib.toString(), calibWindows, calibWindow, calibStart),
                seed, null, null, null, null, null);
        Recipe recipe = (recipeFile == null ? Recipe.empty() : Recipe.read(recipeFile)).overriddenBy(cli).withDefaults();
        OneShotPruner.Plan plan = recipe.toPlan();
        if (Files.exists(out) && !overwrite) {
            throw new BadInputException(out + ": output directory exists; choose another --out or pass --overwrite");
        }
        Model model = inputs.loadModel();
        LlamaConfig cfg = (LlamaConfig) model.architecture();
        Tokenizer tok = inputs.loadTokenizer(model);
        LlamaDecoder decoder = new LlamaDecoder(model);

        boolean needsCalib = plan.pruner().needsCalibration() || plan.allocation().name().equals("owl");
        String calibPath = recipe.calibration().text();
        if (needsCalib && calibPath == null) {
            throw new BadInputException(recipe.method() + " needs calibration text: give --calib FILE (or calibration.text in the recipe)");
        }
        Windows calibW = new Windows(recipe.calibration().window(), recipe.calibration().windows(),
                Math.toIntExact(recipe.calibration().start()), recipe.calibration().window(), Windows.Placement.STRIDED, recipe.seed());
        List<int[]> calibWindowsCut = List.of();
        Map<String, Object> calibProtocol = new LinkedHashMap<>();
        if (calibPath != null) {
            Corpus c = Corpus.read(Path.of(calibPath), Corpus.Segmentation.PARAGRAPHS);
            TokenStream s = TokenStream.encode(c, tok, Tokenizer.Bos.ADD);
            calibWindowsCut = needsCalib ? calibW.cut(s) : List.of();
            calibProtocol.put("text", c.source());
            calibProtocol.put("segmentation", c.segmentation());
            calibProtocol.put("tokenizer", tok.describe());
            calibProtocol.put("encoding", s.description());
            calibProtocol.put("token_stream_sha256", s.sha256());
            calibProtocol.putAll(calibW.describe());
        }

        Path evalPath = evalText != null ? evalText : calibPath != null ? Path.of(calibPath) : null;
        Map<String, Object> evalProtocol = new LinkedHashMap<>();
        List<int[]> evalCut = List.of();
        if (!noEval) {
            if (evalPath == null) {
                throw new BadInputException("no evaluation text: give --eval-text FILE or --calib FILE, or pass --no-eval");
            }
            Corpus c = Corpus.read(evalPath, Corpus.Segmentation.PARAGRAPHS);
            TokenStream s = TokenStream.encode(c, tok, Tokenizer.Bos.ADD);
            Windows ew = Windows.strided(evalWindow, evalWindows);
            evalCut = ew.cut(s);
            evalProtocol.put("text", c.source());
            evalProtocol.put("segmentation", c.segmentation());
            evalProtocol.put("tokenizer", tok.describe());
            evalProtocol.put("encoding", s.description());
            evalProtocol.put("token_stream_sha256", s.sha256());
            evalProtocol.putAll(ew.describe());
            evalProtocol.put("scoring", "mean NLL (natural log) of tokens 2.." + evalWindow + " of every window given their prefix");
        }

        Perplexity.Result before = noEval ? null : Perplexity.evaluate(decoder, evalCut, i -> { });
        long tPrune = System.nanoTime();
        List<OneShotPruner.LayerResult> layers;
        try (ProgressBars bar = ProgressBars.open("prune " + recipe.method() + " " + recipe.sparsity(), 1)) {
            layers = OneShotPruner.run(new DecoderBlocks(decoder, calibWindowsCut), plan, bar);
        }
        double pruneSeconds = (System.nanoTime() - tPrune) / 1e9;
        Perplexity.Result after = noEval ? null : Perplexity.evaluate(decoder, evalCut, i -> { });

        // the pruned weights, written as a Hugging Face checkpoint and a compact checkpoint
        Map<String, Tensor> params = new LinkedHashMap<>(model.parameters());
        for (int b = 0; b < cfg.layers(); b++) {
            for (LlamaDecoder.LinearWeight w : decoder.linearWeights(b)) {
                params.put(w.name(), Tensor.wrap(w.weight(), w.out(), w.in()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("prune4j.version", Versions.prune4j());
        meta.put("prune4j.recipe", Json.compact(recipe));
        Path src = Files.isDirectory(inputs.model) ? inputs.model : null;
        List<Path> side = new ArrayList<>(src != null ? HfCheckpointWriter.sideFiles(src) : List.of());
        if (inputs.tokenizer != null) {
            side.add(inputs.tokenizer);
        }
        HfCheckpointWriter.write(out, cfg, params, new HfCheckpointWriter.Extras(src != null ? src.resolve("config.json") : null,
                side, meta), overwrite);
        Path compact = out.resolve("model.compact.safetensors");
        Map<String, Tensor> saved = SafeTensors.read(out).tensors();
        List<CompactCheckpoint.TensorInfo> infos;
        try {
            Path tmp = out.resolve(".model.compact.safetensors.tmp");
            infos = CompactCheckpoint.write(tmp, saved, meta);
            Files.move(tmp, compact, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        Map<String, Object> report = report(recipe, layers, saved, infos, before, after, calibProtocol, evalProtocol,
                pruneSeconds, (System.nanoTime() - t0) / 1e9, compact);
        Path reportFile = out.resolve("prune4j-report.json");
        try {
            Path tmp = out.resolve(".prune4j-report.json.tmp");
            Files.writeString(tmp, Json.MAPPER.writeValueAsString(report) + "\n");
            Files.move(tmp, reportFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json) {
            Json.print(stdout, report);
        } else {
            printTable(stdout, report, layers);
        }
        return Main.OK;
    }

    private Map<String, Object> report(Recipe recipe, List<OneShotPruner.LayerResult> layers, Map<String, Tensor> saved,
                                       List<CompactCheckpoint.TensorInfo> infos, Perplexity.Result before,
                                       Perplexity.Result after, Map<String, Object> calibProtocol,
                                       Map<String, Object> evalProtocol, double pruneSeconds, double totalSeconds, Path compact) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", inputs.model.toString());
        r.put("method", recipe.method());
        r.put("recipe", recipe);
        r.put("seed", recipe.seed());
        r.put("environment", Versions.environment());
        r.put("calibration", calibProtocol);
        long prunedTotal = 0;
        long weightsTotal = 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OneShotPruner.LayerResult l : layers) {
            float[] w = saved.get(l.name()).toFloatArray(); // achieved sparsity counted from the saved tensor
            long zeros = 0;
            for (float v : w) {
                if (v == 0f) {
                    zeros++;
                }
            }
            prunedTotal += zeros;
            weightsTotal += w.length;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("shape", List.of(l.out(), l.in()));
            m.put("target", l.target());
            m.put("achieved", (double) zeros / w.length);
            m.put("recon_error", Double.isNaN(l.reconError()) ? null : l.reconError());
            m.put("recon_error_relative", Double.isNaN(l.reconErrorRelative()) ? null : l.reconErrorRelative());
            m.put("seconds", l.seconds());
            rows.add(m);
        }
        r.put("layers", rows);
        r.put("sparsity_of_pruned_layers", weightsTotal == 0 ? 0 : (double) prunedTotal / weightsTotal);
        if (before != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("protocol", evalProtocol);
            e.put("before", Map.of("mean_nll", before.meanNll(), "perplexity", before.perplexity()));
            e.put("after", Map.of("mean_nll", after.meanNll(), "perplexity", after.perplexity()));
            r.put("evaluation", e);
        }
        long dense = infos.stream().mapToLong(CompactCheckpoint.TensorInfo::denseBytes).sum();
        long stored = infos.stream().mapToLong(CompactCheckpoint.TensorInfo::storedBytes).sum();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("hf_checkpoint", out.toString());
        o.put("compact_checkpoint", compact.toString());
        try {
            o.put("hf_bytes", Files.size(out.resolve(SafeTensors.SINGLE_FILE)));
            o.put("compact_bytes", Files.size(compact));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        o.put("tensor_bytes_dense", dense);
        o.put("tensor_bytes_compact", stored);
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

    @SuppressWarnings("unchecked")
    private static void printTable(PrintWriter out, Map<String, Object> r, List<OneShotPruner.LayerResult> layers) {
        out.printf("%-44s %-14s %7s %9s %12s %8s%n", "layer", "shape", "target", "achieved", "rel. error", "time s");
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("layers")) {
            Object re = m.get("recon_error_relative");
            out.printf("%-44s %-14s %7s %9.4f %12s %8.3f%n", m.get("name"), m.get("shape").toString().replace(" ", ""),
                    m.get("target"), (double) m.get("achieved"), re == null ? "-" : String.format("%.5f", (double) re),
                    (double) m.get("seconds"));
        }
        out.printf("sparsity of the pruned layers: %.4f (counted from the saved tensors)%n", (double) r.get("sparsity_of_pruned_layers"));
        Map<String, Object> e = (Map<String, Object>) r.get("evaluation");
        if (e != null) {
            Map<String, Object> b = (Map<String, Object>) e.get("before");
            Map<String, Object> a = (Map<String, Object>) e.get("after");
            out.printf("perplexity: dense %.4f -> pruned %.4f%n", (double) b.get("perplexity"), (double) a.get("perplexity"));
            out.println("protocol:");
            ((Map<String, Object>) e.get("protocol")).forEach((k, v) -> out.println("  " + k + ": " + v));
        }
        Map<String, Object> o = (Map<String, Object>) r.get("outputs");
        out.printf("saved: %s (%d bytes, Hugging Face, dense with zeros); %s (%d bytes, compact, %.3fx of dense)%n",
                o.get("hf_checkpoint"), (long) o.get("hf_bytes"), o.get("compact_checkpoint"), (long) o.get("compact_bytes"),
                (double) (long) o.get("compact_bytes") / (long) o.get("hf_bytes"));
        out.printf("time: pruning %.1f s, total %.1f s; peak RSS %.1f MB%n", (double) r.get("seconds_pruning"),
                (double) r.get("seconds_total"), (long) r.get("peak_rss_bytes") / 1e6);
        out.flush();
    }
}
