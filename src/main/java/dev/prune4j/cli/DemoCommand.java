package dev.prune4j.cli;

import dev.prune4j.eval.EmbeddingFidelity;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.model.bert.BuiltinEncoder;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.text.BuiltinCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The demo on the built-in default model: all-MiniLM-L6-v2 loaded from its Maven artifact,
 * a few sentences embedded, their nearest neighbours by cosine, and the throughput on sentences
 * from the built-in corpus. Needs nothing but the build.
 */
@Command(name = "demo", description = "Load all-MiniLM-L6-v2 from its Maven artifact, embed a few sentences, "
        + "show their nearest neighbours and the embedding throughput.")
final class DemoCommand implements Callable<Integer> {
    /** Pairs of paraphrases and odd ones out, so that the nearest neighbours are easy to check by eye. */
    static final List<String> SENTENCES = List.of(
            "A man is playing a guitar on the stage.",
            "Someone performs music with a guitar in front of an audience.",
            "The central bank raised interest rates again.",
            "Borrowing money became more expensive after the bank's decision.",
            "My cat likes to sleep in the sun.",
            "The kitten dozes on the warm windowsill.",
            "Pruning removes weights from a neural network.");

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Option(names = "--corpus-sentences", defaultValue = "64",
            description = "Sentences of the built-in corpus to time (default: ${DEFAULT-VALUE}).")
    int corpusSentences;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BuiltinEncoder model = BuiltinEncoder.ALL_MINILM_L6_V2;
        String artifact = model.artifact() + ":" + artifactVersion(model);
        err.println("prune4j demo: loading " + model.id() + " from " + artifact);
        long t0 = System.nanoTime();
        try (SentenceEncoder enc = EncoderLoader.loadBuiltin(model, EncoderLoader.Options.defaults())) {
            double loadS = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            float[][] e = enc.embed(SENTENCES);
            double embedS = (System.nanoTime() - t1) / 1e9;
            int n = SENTENCES.size();
            double[][] sim = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    sim[i][j] = EmbeddingFidelity.cosines(new float[][] {e[i]}, new float[][] {e[j]})[0];
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int best = -1;
                for (int j = 0; j < n; j++) {
                    if (j != i && (best < 0 || sim[i][j] > sim[i][best])) {
                        best = j;
                    }
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("sentence", SENTENCES.get(i));
                r.put("tokens", enc.tokenizer().encode(SENTENCES.get(i)).length);
                r.put("nearest", best);
                r.put("cosine", sim[i][best]);
                rows.add(r);
            }
            List<String> corpus = BuiltinCorpus.sentences(Math.max(1, corpusSentences), 40, 300);
            enc.embed(corpus.subList(0, Math.min(8, corpus.size()))); // warm-up
            long t2 = System.nanoTime();
            enc.embed(corpus);
            double corpusS = (System.nanoTime() - t2) / 1e9;
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", model.id());
            result.put("artifact", artifact);
            result.put("architecture", enc.encoder().config().describe());
            result.put("pooling", enc.pooling().name().toLowerCase(Locale.ROOT));
            result.put("kernels", Kernels.get().name());
            result.put("threads", Parallel.threads());
            result.put("loadSeconds", loadS);
            result.put("embedSeconds", embedS);
            result.put("sentences", rows);
            result.put("similarity", sim);
            Map<String, Object> tp = new LinkedHashMap<>();
            tp.put("corpus", BuiltinCorpus.PROVENANCE);
            tp.put("sentences", corpus.size());
            tp.put("batchSize", enc.batchSize());
            tp.put("seconds", corpusS);
            tp.put("sentencesPerSecond", corpus.size() / corpusS);
            result.put("throughput", tp);
            if (json) {
                Json.print(out, result);
            } else {
                out.printf(Locale.ROOT, "model: %s (%s)%n", model.id(), artifact);
                out.printf(Locale.ROOT, "       %s, %s pooling, L2-normalised%n", enc.encoder().config().describe(),
                        enc.pooling().name().toLowerCase(Locale.ROOT));
                out.printf(Locale.ROOT, "kernels: %s, threads: %d, loaded in %.2f s, %d sentences embedded in %.3f s%n%n",
                        Kernels.get().name(), Parallel.threads(), loadS, n, embedS);
                out.printf(Locale.ROOT, "%2s  %-66s %6s  %7s  %6s%n", "#", "sentence", "tokens", "nearest", "cosine");
                for (int i = 0; i < n; i++) {
                    Map<String, Object> r = rows.get(i);
                    out.printf(Locale.ROOT, "%2d  %-66s %6d  %7d  %6.3f%n", i, r.get("sentence"), r.get("tokens"),
                            r.get("nearest"), r.get("cosine"));
                }
                out.printf(Locale.ROOT, "%nthroughput: %d sentences of the built-in corpus (Europarl, English) in %.2f s"
                        + " = %.1f sentences/s (batch %d)%n", corpus.size(), corpusS, corpus.size() / corpusS,
                        enc.batchSize());
            }
        }
        return Main.OK;
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
