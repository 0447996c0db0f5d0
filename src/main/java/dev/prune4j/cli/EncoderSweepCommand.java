package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import dev.prune4j.eval.EmbeddingFidelity;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.prune.EncoderCalibration;
import dev.prune4j.prune.OneShotPruner;
import dev.prune4j.prune.Progress;
import dev.prune4j.prune.Recipe;
import dev.prune4j.text.BuiltinCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j sweep-encoders}: embedding fidelity of one-shot pruned sentence encoders —
 * mean cosine of pruned to dense embeddings on held-out sentences — over methods × sparsities ×
 * allocations, each run from the dense model with the same calibration sentences.
 */
@Command(name = "sweep-encoders", description = "Fidelity grid for sentence encoders: methods x sparsities x allocations.")
final class EncoderSweepCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "all-minilm-l6-v2,bge-small-en-v15",
            description = "Encoders (built-in names, directories or files; default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Mixin
    PruningGrid grid;

    @Option(names = "--calib-sentences", defaultValue = "128", description = "Calibration sentences (default: ${DEFAULT-VALUE}).")
    int calibSentences;

    @Option(names = "--eval-sentences", defaultValue = "256", description = "Held-out sentences for fidelity (default: ${DEFAULT-VALUE}).")
    int evalSentences;


    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> all = BuiltinCorpus.sentences(calibSentences + evalSentences, 30, 400);
        if (all.size() < calibSentences + evalSentences) {
            throw new BadInputException("the built-in corpus has only " + all.size() + " usable sentences, asked for "
                    + (calibSentences + evalSentences));
        }
        List<String> calib = all.subList(0, calibSentences);
        List<String> held = all.subList(calibSentences, calibSentences + evalSentences);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("text", BuiltinCorpus.PROVENANCE);
        protocol.put("calibration", "the first " + calibSentences + " sentences (30-400 characters), batches of 16");
        protocol.put("evaluation", "the next " + evalSentences + " sentences (held out): mean cosine(pruned, dense) of the pooled, normalised embeddings");
        protocol.put("order", grid.orderText() + "; all linears inside the encoder blocks pruned; embeddings dense");
        protocol.put("max_length", "each model's position limit (512 tokens for the built-in encoders); the sentences are far shorter");
        protocol.put("seed", grid.seed);
        List<PruningGrid.Cell> cells = grid.cells();
        int total = models.size() * cells.size();
        int done = 0;
        try (ProgressBars bar = ProgressBars.open("sweep-encoders", total)) {
            for (String model : models) {
                float[][] dense;
                try (SentenceEncoder ref = EncoderLoader.load(model)) {
                    dense = ref.embed(held);
                }
                for (PruningGrid.Cell cell : cells) {
                    bar.step(done++, total, model + " " + cell);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("model", model);
                    row.put("method", cell.method());
                    row.put("sparsity", cell.sparsity());
                    row.put("allocation", cell.allocation());
                    try (SentenceEncoder enc = EncoderLoader.load(model)) {
                        Recipe r = grid.recipe(cell);
                        long t0 = System.nanoTime();
                        List<OneShotPruner.LayerResult> layers = OneShotPruner.run(EncoderCalibration.blocks(enc, calib),
                                r.toPlan(), Progress.NONE);
                        row.put("seconds_pruning", (System.nanoTime() - t0) / 1e9);
                        long pruned = layers.stream().mapToLong(OneShotPruner.LayerResult::pruned).sum();
                        long n = layers.stream().mapToLong(l -> (long) l.out() * l.in()).sum();
                        row.put("achieved", (double) pruned / n);
                        EmbeddingFidelity.Result f = EmbeddingFidelity.compare(enc, dense, held, "held-out corpus sentences");
                        row.put("mean_cosine", f.meanCosine());
                        row.put("min_cosine", f.minCosine());
                    } catch (BadInputException e) {
                        row.put("not_applicable", e.getMessage());
                    }
                    rows.add(row);
                }
            }
            bar.step(total, total, "done");
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("protocol", protocol);
            o.put("results", rows);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            out.print(markdown(protocol, rows));
            out.flush();
        }
        return Main.OK;
    }

    private String markdown(Map<String, Object> protocol, List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder("Protocol:\n\n");
        protocol.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        for (String model : models) {
            for (String a : grid.allocations) {
                b.append("\n`").append(model).append("`, allocation `").append(a)
                        .append("` — mean cosine to the dense embeddings (higher is better):\n\n");
                grid.appendTable(b, a, rows, r -> r.get("model").equals(model), r -> PruningGrid.fixed((double) r.get("mean_cosine"), 4));
            }
        }
        rows.stream().filter(r -> r.containsKey("not_applicable")).map(r -> (String) r.get("not_applicable")).distinct()
                .forEach(msg -> b.append("\n¹ not applicable: ").append(msg).append('\n'));
        return b.toString();
    }
}
