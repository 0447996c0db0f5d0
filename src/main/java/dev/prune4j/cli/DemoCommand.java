package dev.prune4j.cli;

import dev.prune4j.eval.EmbeddingFidelity;
import dev.prune4j.model.bert.BuiltinEncoder;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The demo on the built-in default model, needing nothing but the build: all-MiniLM-L6-v2 from
 * its Maven artifact is pruned with Wanda at 50% (calibrated on sentences of the built-in
 * corpus) by the very pipeline of {@code prune4j prune}, saved (ONNX, Hugging Face directory,
 * compact checkpoint, report), and compared before/after: embedding fidelity on held-out corpus
 * sentences, and whether the saved pruned model still pairs up a few paraphrases.
 */
@Command(name = "demo", description = "Prune all-MiniLM-L6-v2 (built in) with Wanda at 50%% on the built-in corpus, "
        + "save it, and print embedding fidelity before/after.")
final class DemoCommand implements Callable<Integer> {
    /** Pairs of paraphrases and an odd one out, so that the nearest neighbours are easy to check by eye. */
    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar on the stage.",
            "Someone performs music with a guitar in front of an audience.",
            "The central bank raised interest rates again.",
            "Borrowing money became more expensive after the bank's decision.",
            "My cat likes to sleep in the sun.",
            "The kitten dozes on the warm windowsill.",
            "Pruning removes weights from a neural network.");
    /** Sentences 2i and 2i+1 are paraphrases. */
    static final int PAIRS = 3;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where to save the pruned model (default: a new directory under the system temp directory).")
    Path out;

    @Option(names = "--calib-sentences", defaultValue = "64", description = "Calibration sentences (default: ${DEFAULT-VALUE}).")
    int calibSentences;

    @Option(names = "--eval-sentences", defaultValue = "128", description = "Held-out sentences for fidelity (default: ${DEFAULT-VALUE}).")
    int evalSentences;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BuiltinEncoder model = BuiltinEncoder.ALL_MINILM_L6_V2;
        String artifact = model.artifact() + ":" + artifactVersion(model);
        Path dir = out != null ? out : tempDir().resolve(model.id() + "-wanda-50");
        err.println("prune4j demo: pruning " + model.id() + " (" + artifact + ") with Wanda at 50% on " + calibSentences
                + " sentences of the built-in corpus; saving to " + dir);
        err.flush();
        long t0 = System.nanoTime();
        PruneCommand prune = new PruneCommand();
        new CommandLine(prune).parseArgs("--model", model.id(), "--method", "wanda", "--sparsity", "0.5",
                "--calib-sentences", Integer.toString(calibSentences), "--eval-sentences", Integer.toString(evalSentences),
                "--out", dir.toString());
        Map<String, Object> report = prune.execute();

        // paraphrases: the dense model (fresh from the jar) and the pruned model as saved
        Map<String, Object> paraphrases = new LinkedHashMap<>();
        try (SentenceEncoder dense = EncoderLoader.loadBuiltin(model, EncoderLoader.Options.defaults());
             SentenceEncoder saved = EncoderLoader.load(dir.toString())) {
            paraphrases.put("dense", nearest(dense.embed(SENTENCES)));
            paraphrases.put("pruned", nearest(saved.embed(SENTENCES)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model.id());
        result.put("artifact", artifact);
        result.put("out", dir.toString());
        result.put("sentences", SENTENCES);
        result.put("nearest", paraphrases);
        result.put("seconds", seconds);
        result.put("report", report);
        if (json) {
            Json.print(stdout, result);
        } else {
            printTable(stdout, report, paraphrases, dir, artifact, seconds);
        }
        return Main.OK;
    }

    /** For each sentence, the index of its most similar other sentence. */
    static List<Integer> nearest(float[][] e) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < e.length; i++) {
            int best = -1;
            double bestCos = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < e.length; j++) {
                double c = j == i ? Double.NEGATIVE_INFINITY
                        : EmbeddingFidelity.cosines(new float[][] {e[i]}, new float[][] {e[j]})[0];
                if (c > bestCos) {
                    bestCos = c;
                    best = j;
                }
            }
            out.add(best);
        }
        return out;
    }

    static int pairsFound(List<Integer> nearest) {
        int n = 0;
        for (int i = 0; i < 2 * PAIRS; i++) {
            n += nearest.get(i) == (i ^ 1) ? 1 : 0;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintWriter o, Map<String, Object> r, Map<String, Object> paraphrases, Path dir,
                                   String artifact, double seconds) {
        Map<String, Object> e = (Map<String, Object>) r.get("evaluation");
        Map<String, Object> b = (Map<String, Object>) e.get("before");
        Map<String, Object> a = (Map<String, Object>) e.get("after");
        Map<String, Object> p = (Map<String, Object>) e.get("protocol");
        Map<String, Object> out = (Map<String, Object>) r.get("outputs");
        o.printf(Locale.ROOT, "all-MiniLM-L6-v2 (%s), Wanda at 50%% on every linear layer of the 6 blocks%n%n", artifact);
        o.printf(Locale.ROOT, "%-46s %12s %12s%n", "", "dense", "pruned");
        o.printf(Locale.ROOT, "%-46s %11.1f%% %11.1f%%%n", "zeros in the pruned layers (saved tensors)", 0.0,
                100 * (double) r.get("sparsity_of_pruned_layers"));
        row(o, "mean cosine to the dense embeddings", b, a, "mean_cosine");
        row(o, "worst sentence's cosine", b, a, "min_cosine");
        row(o, "nearest-neighbour agreement", b, a, "nearest_neighbour_agreement");
        o.printf(Locale.ROOT, "%-46s %10d/%d %10d/%d%n", "paraphrases paired with their partner",
                pairsFound((List<Integer>) paraphrases.get("dense")), 2 * PAIRS,
                pairsFound((List<Integer>) paraphrases.get("pruned")), 2 * PAIRS);
        o.printf(Locale.ROOT, "%-46s %10.1fMB %10.1fMB%n", "file size (safetensors, dense layout)",
                (long) out.get("hf_bytes") / 1e6, (long) out.get("hf_bytes") / 1e6);
        o.printf(Locale.ROOT, "%-46s %12s %10.1fMB%n", "file size (compact: bitmask + non-zeros)", "-",
                (long) out.get("compact_bytes") / 1e6);
        o.println();
        o.printf(Locale.ROOT, "fidelity protocol: %s sentences of %s; %s; max length %s tokens, %s pooling; seed %s%n",
                p.get("sentences"), p.get("text"), p.get("held_out"), p.get("max_length"), p.get("pooling"), r.get("seed"));
        Map<String, Object> c = (Map<String, Object>) r.get("calibration");
        o.printf(Locale.ROOT, "calibration: %s sentences of %s, %s%n", c.get("sentences"), c.get("text"), c.get("batching"));
        o.printf(Locale.ROOT, "saved to %s: model.onnx (ONNX Runtime / langchain4j), model.safetensors + config.json +"
                + " tokenizer.json (Hugging Face / sentence-transformers), model.compact.safetensors, prune4j-report.json%n", dir);
        o.printf(Locale.ROOT, "time: pruning %.1f s, whole demo %.1f s; peak RSS %.0f MB%n", (double) r.get("seconds_pruning"),
                seconds, (long) r.get("peak_rss_bytes") / 1e6);
        o.println("(the pruned model still runs with dense kernels: it is not faster yet, only sparser; see `prune4j bench sparse`)");
        o.flush();
    }

    private static void row(PrintWriter o, String label, Map<String, Object> b, Map<String, Object> a, String key) {
        o.printf(Locale.ROOT, "%-46s %12.4f %12.4f%n", label, (double) b.get(key), (double) a.get(key));
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("prune4j-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    /** The version of the jar that ships the model, from its Maven metadata ("?" if absent). */
    static String artifactVersion(BuiltinEncoder b) {
        String res = "META-INF/maven/dev.langchain4j/langchain4j-embeddings-" + b.id() + "/pom.properties";
        try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }
}
