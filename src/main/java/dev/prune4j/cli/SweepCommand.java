package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import dev.prune4j.eval.Perplexity;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.prune.DecoderBlocks;
import dev.prune4j.prune.OneShotPruner;
import dev.prune4j.prune.Progress;
import dev.prune4j.prune.Recipe;
import dev.prune4j.report.LinePlot;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j sweep}: the quality grid of one-shot pruning on a decoder — methods × sparsities
 * × allocations — each run from the dense model with the same calibration and evaluation
 * windows; prints a Markdown table with its protocol (and JSON with {@code --json}).
 */
@Command(name = "sweep", description = "Perplexity grid: methods x sparsities x allocations, one protocol.")
final class SweepCommand implements Callable<Integer> {
    @Mixin
    DecoderInputs inputs;

    @Mixin
    PruningGrid grid;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "Text for calibration and evaluation.")
    Path text;

    @Option(names = "--calib-windows", defaultValue = "16", description = "Calibration windows (default: ${DEFAULT-VALUE}).") int calibWindows;
    @Option(names = "--calib-window", defaultValue = "256", description = "Tokens per calibration window (default: ${DEFAULT-VALUE}).") int calibWindow;
    @Option(names = "--calib-start", defaultValue = "192481", description = "Token index of the first calibration window (default: ${DEFAULT-VALUE}, disjoint from the evaluation windows of the stories260K protocol).")
    int calibStart;
    @Option(names = "--eval-windows", defaultValue = "32", description = "Evaluation windows (default: ${DEFAULT-VALUE}).") int evalWindows;
    @Option(names = "--eval-window", defaultValue = "256", description = "Tokens per evaluation window (default: ${DEFAULT-VALUE}).") int evalWindow;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the Markdown table to FILE (atomically).")
    Path markdown;

    @Option(names = "--plot", paramLabel = "PNG", description = "Also draw perplexity against sparsity (one line per method and allocation) to this PNG file.")
    Path plot;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Model probe = inputs.loadModel();
        Tokenizer tok = inputs.loadTokenizer(probe);
        Corpus corpus = Corpus.read(text, Corpus.Segmentation.PARAGRAPHS);
        TokenStream stream = TokenStream.encode(corpus, tok, Tokenizer.Bos.ADD);
        Windows cw = new Windows(calibWindow, calibWindows, calibStart, calibWindow, Windows.Placement.STRIDED, grid.seed);
        Windows ew = Windows.strided(evalWindow, evalWindows);
        List<int[]> calib = cw.cut(stream);
        List<int[]> eval = ew.cut(stream);

        List<Map<String, Object>> rows = new ArrayList<>();
        double dense = Perplexity.evaluate(new LlamaDecoder(probe), eval, i -> { }).perplexity();
        List<PruningGrid.Cell> cells = grid.cells();
        int total = cells.size();
        int done = 0;
        try (ProgressBars bar = ProgressBars.open("sweep", total)) {
            for (PruningGrid.Cell cell : cells) {
                bar.step(done, total, cell.toString());
                LlamaDecoder d = new LlamaDecoder(inputs.loadModel());
                Recipe r = grid.recipe(cell);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("method", cell.method());
                row.put("sparsity", cell.sparsity());
                row.put("allocation", cell.allocation());
                try {
                    long t0 = System.nanoTime();
                    List<OneShotPruner.LayerResult> layers = OneShotPruner.run(new DecoderBlocks(d, calib), r.toPlan(), Progress.NONE);
                    double secs = (System.nanoTime() - t0) / 1e9;
                    Perplexity.Result p = Perplexity.evaluate(d, eval, i -> { });
                    long pruned = layers.stream().mapToLong(OneShotPruner.LayerResult::pruned).sum();
                    long all = layers.stream().mapToLong(l -> (long) l.out() * l.in()).sum();
                    row.put("achieved", (double) pruned / all);
                    row.put("perplexity", p.perplexity());
                    row.put("mean_nll", p.meanNll());
                    row.put("seconds_pruning", secs);
                } catch (BadInputException e) {
                    row.put("not_applicable", e.getMessage()); // e.g. 4:8 where 8 does not divide a layer's width
                }
                rows.add(row);
                done++;
            }
            bar.step(done, total, "done");
        }
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("model", inputs.model.toString());
        protocol.put("text", corpus.source());
        protocol.put("segmentation", corpus.segmentation());
        protocol.put("tokenizer", tok.describe());
        protocol.put("encoding", stream.description());
        protocol.put("token_stream_sha256", stream.sha256());
        protocol.put("calibration", cw.describe());
        protocol.put("evaluation", ew.describe());
        protocol.put("scoring", "mean NLL of tokens 2.." + evalWindow + " of every window; perplexity = exp(mean NLL)");
        protocol.put("order", grid.orderText() + "; all linears inside the blocks pruned, embeddings/head dense");
        protocol.put("seed", grid.seed);
        String md = markdown(protocol, dense, rows);
        if (markdown != null) {
            try {
                Path tmp = markdown.resolveSibling("." + markdown.getFileName() + ".tmp");
                Files.writeString(tmp, md);
                Files.move(tmp, markdown, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            err.println("prune4j sweep: wrote " + markdown);
        }
        if (plot != null) {
            writePlot(rows, dense);
            err.println("prune4j sweep: wrote " + plot);
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("protocol", protocol);
            o.put("dense_perplexity", dense);
            o.put("results", rows);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            out.print(md);
            out.flush();
        }
        return Main.OK;
    }

    /** Perplexity (log scale) against unstructured sparsity; OWL dashed in its method's colour. */
    private void writePlot(List<Map<String, Object>> rows, double dense) {
        LinePlot chart = new LinePlot(inputs.model.getFileName() + ": perplexity after one-shot pruning (dense "
                + String.format(Locale.ROOT, "%.3f", dense) + "; dashed: OWL allocation)",
                "sparsity (fraction of weights pruned in the blocks' linear layers)", "perplexity (log scale)", true);
        for (String a : grid.allocations) {
            for (String m : grid.methods) {
                java.util.TreeMap<Double, Double> points = new java.util.TreeMap<>();
                for (Map<String, Object> r : rows) {
                    String s = (String) r.get("sparsity");
                    if (r.get("method").equals(m) && r.get("allocation").equals(a) && !s.contains(":") && r.containsKey("perplexity")) {
                        points.put(Double.parseDouble(s), (Double) r.get("perplexity"));
                    }
                }
                chart.add(new LinePlot.Series(m + " (" + a + ")", m, !a.equals("uniform"), points));
            }
        }
        try {
            chart.write(plot);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + plot + ": " + e.getMessage(), e);
        }
    }

    /** A table per allocation: rows = methods, columns = sparsities. */
    private String markdown(Map<String, Object> protocol, double dense, List<Map<String, Object>> rows) {
        StringBuilder b = new StringBuilder();
        b.append("Protocol:\n\n");
        protocol.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append(String.format(Locale.ROOT, "%nDense perplexity: **%.4f**%n", dense));
        for (String a : grid.allocations) {
            b.append("\nAllocation `").append(a).append("` — perplexity (lower is better):\n\n");
            grid.appendTable(b, a, rows, r -> true, r -> PruningGrid.fixed((double) r.get("perplexity"), 3));
        }
        rows.stream().filter(r -> r.containsKey("not_applicable")).map(r -> (String) r.get("not_applicable")).distinct()
                .forEach(msg -> b.append("\n¹ not applicable: ").append(msg).append('\n'));
        return b.toString();
    }
}
