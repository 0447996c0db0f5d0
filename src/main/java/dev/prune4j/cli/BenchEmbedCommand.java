package dev.prune4j.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.prune4j.eval.EmbeddingFidelity;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.model.bert.BuiltinEncoder;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.Pooling;
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
import java.util.concurrent.Callable;

/**
 * {@code prune4j bench embed}: sentence-embedding throughput of prune4j's encoder against ONNX
 * Runtime (fp32, the same .onnx file) in the same run, at 1 and 2 threads. Both get the same
 * token ids in batches of {@code --batch} texts (ONNX Runtime padded with an attention mask, as
 * langchain4j runs it; prune4j packed without padding); tokenization is not timed; pooling and
 * normalisation are, for both.
 */
@Command(name = "embed", description = "Embedding throughput of a built-in encoder vs ONNX Runtime fp32, 1 and 2 threads.")
final class BenchEmbedCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "all-minilm-l6-v2", description = "Built-in encoder (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--sentences", defaultValue = "256", description = "Corpus sentences per pass (default: ${DEFAULT-VALUE}).")
    int sentences;

    @Option(names = "--batch", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "5", description = "Minimum timed seconds per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--prune", defaultValue = "0", paramLabel = "F",
            description = "Zero this fraction of every linear weight (smallest magnitudes per row) and also time the pruned "
                    + "model on --runtime (default: ${DEFAULT-VALUE}, no pruning).")
    double prune;

    @picocli.CommandLine.Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--json", description = "Print one JSON object with a 'cases' list on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (sentences < 1 || batch < 1 || !(seconds > 0)) {
            throw new dev.prune4j.core.BadInputException("--sentences, --batch and --seconds must be positive");
        }
        BuiltinEncoder b = BuiltinEncoder.require(model);
        List<String> texts = BuiltinCorpus.sentences(sentences, 40, 300);
        List<Map<String, Object>> cases = new ArrayList<>();
        try (SentenceEncoder enc = EncoderLoader.loadBuiltin(b, EncoderLoader.Options.defaults()).withBatchSize(batch)) {
            List<int[]> ids = enc.tokenizer().encode(texts);
            SentenceEncoder sparse = null;
            if (prune > 0) {
                if (prune >= 1) {
                    throw new dev.prune4j.core.BadInputException("--prune must be in [0, 1), found " + prune);
                }
                pruneInPlace(enc, prune);
                err.printf(Locale.ROOT, "bench embed: pruned %.2f of every linear weight; planning %s%n", prune,
                        runtimeOptions.get().mode());
                sparse = enc.withRuntime(runtimeOptions.get());
            }
            float[][] sparseOut = null;
            long tokens = ids.stream().mapToLong(a -> a.length).sum();
            byte[] onnx = readResource(b.onnxResource());
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            float[][] ours = null;
            float[][] theirs = null;
            try {
                for (int threads : new int[] {1, 2}) {
                    if (threads > Parallel.maxThreads()) {
                        continue;
                    }
                    Parallel.setThreads(threads);
                    err.printf(Locale.ROOT, "bench embed: %s, %d threads, prune4j...%n", b.id(), threads);
                    float[][][] holder = new float[1][][];
                    double oursS = time(() -> holder[0] = embedAll(enc, ids));
                    ours = holder[0];
                    double sparseS = Double.NaN;
                    if (sparse != null) {
                        SentenceEncoder sp = sparse;
                        err.printf(Locale.ROOT, "bench embed: %s, %d threads, prune4j pruned on %s...%n", b.id(), threads,
                                runtimeOptions.get().mode());
                        sparseS = time(() -> holder[0] = embedAll(sp, ids));
                        sparseOut = holder[0];
                    }
                    err.printf(Locale.ROOT, "bench embed: %s, %d threads, ONNX Runtime...%n", b.id(), threads);
                    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                        so.setIntraOpNumThreads(threads);
                        so.setInterOpNumThreads(1);
                        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                        try (OrtSession session = env.createSession(onnx, so)) {
                            double ortS = time(() -> holder[0] = ortAll(env, session, ids, b.pooling()));
                            theirs = holder[0];
                            Map<String, Object> c = new LinkedHashMap<>();
                            c.put("threads", threads);
                            c.put("prune4jSentencesPerSecond", ids.size() / oursS);
                            c.put("onnxRuntimeSentencesPerSecond", ids.size() / ortS);
                            c.put("ratio", ortS / oursS);
                            if (sparse != null) {
                                c.put("prune4jPrunedSentencesPerSecond", ids.size() / sparseS);
                                c.put("prunedRatioToOurDense", oursS / sparseS);
                                c.put("prunedRatioToOnnxRuntime", ortS / sparseS);
                            }
                            cases.add(c);
                        }
                    }
                }
            } finally {
                Parallel.setThreads(Parallel.maxThreads());
            }
            double[] cos = EmbeddingFidelity.cosines(ours, theirs);
            double worst = 1;
            for (double x : cos) {
                worst = Math.min(worst, x);
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", b.id());
            r.put("kernels", Kernels.get().name());
            r.put("sentences", ids.size());
            r.put("tokens", tokens);
            r.put("meanTokens", (double) tokens / ids.size());
            r.put("batch", batch);
            r.put("corpus", BuiltinCorpus.PROVENANCE);
            r.put("baseline", "ONNX Runtime " + env.getVersion() + " fp32, same .onnx, padded batches with attention mask");
            r.put("worstCosineToBaseline", worst);
            if (sparse != null) {
                double w2 = 1;
                for (double x : EmbeddingFidelity.cosines(ours, sparseOut)) {
                    w2 = Math.min(w2, x);
                }
                r.put("pruned", prune);
                r.put("runtime", runtimeOptions.get().mode().name().toLowerCase(Locale.ROOT));
                Map<String, Long> formats = new java.util.TreeMap<>();
                for (dev.prune4j.model.LinearPlanner.Planned p : sparse.encoder().plan()) {
                    formats.merge(p.op().formatName() + "/" + p.op().valueType(), 1L, Long::sum);
                }
                r.put("formats", formats);
                r.put("worstCosinePrunedRuntimeToPrunedDense", w2);
                r.put("note", "with --prune, 'prune4jSentencesPerSecond' and the cosine to ONNX Runtime are of the pruned "
                        + "weights on the float32 path; ONNX Runtime runs the unpruned model (its dense time does not depend on zeros)");
            }
            r.put("cases", cases);
            if (json) {
                Json.print(out, r);
            } else {
                out.printf(Locale.ROOT, "%s: %d corpus sentences (%.1f tokens on average), batch %d, kernels %s%n",
                        b.id(), ids.size(), (double) tokens / ids.size(), batch, Kernels.get().name());
                out.printf(Locale.ROOT, "%7s %18s %18s %8s%n", "threads", "prune4j sent/s", "ORT fp32 sent/s", "ratio");
                for (Map<String, Object> c : cases) {
                    out.printf(Locale.ROOT, "%7d %18.1f %18.1f %7.2fx%n", c.get("threads"), c.get("prune4jSentencesPerSecond"),
                            c.get("onnxRuntimeSentencesPerSecond"), c.get("ratio"));
                }
                out.printf(Locale.ROOT, "worst cosine between the two: %.7f%n", worst);
                for (Map<String, Object> c : cases) {
                    if (c.containsKey("prune4jPrunedSentencesPerSecond")) {
                        out.printf(Locale.ROOT, "%d threads, pruned %.2f on %s: %.1f sent/s = %.2fx our dense, %.2fx ONNX Runtime%n",
                                c.get("threads"), prune, runtimeOptions.get().mode(), c.get("prune4jPrunedSentencesPerSecond"),
                                c.get("prunedRatioToOurDense"), c.get("prunedRatioToOnnxRuntime"));
                    }
                }
            }
        }
        return Main.OK;
    }

    /** Zeros the smallest-magnitude fraction of each row of every linear weight (the arrays are live). */
    private static void pruneInPlace(SentenceEncoder enc, double fraction) {
        for (dev.prune4j.model.bert.BertWeights.Block b : enc.encoder().weights().blocks()) {
            for (dev.prune4j.model.bert.Linear lin : new dev.prune4j.model.bert.Linear[] {b.query(), b.key(), b.value(),
                b.attentionOutput(), b.intermediate(), b.output()}) {
                float[] w = lin.weight();
                float[] mag = new float[lin.in()];
                for (int r = 0; r < lin.out(); r++) {
                    for (int c = 0; c < lin.in(); c++) {
                        mag[c] = Math.abs(w[r * lin.in() + c]);
                    }
                    float[] sorted = mag.clone();
                    java.util.Arrays.sort(sorted);
                    float cut = sorted[(int) (fraction * lin.in())];
                    for (int c = 0; c < lin.in(); c++) {
                        if (mag[c] < cut) {
                            w[r * lin.in() + c] = 0f;
                        }
                    }
                }
            }
        }
    }

    private float[][] embedAll(SentenceEncoder enc, List<int[]> ids) {
        float[][] outv = new float[ids.size()][];
        for (int from = 0; from < ids.size(); from += batch) {
            int to = Math.min(ids.size(), from + batch);
            float[][] part = enc.embedTokens(ids.subList(from, to));
            System.arraycopy(part, 0, outv, from, part.length);
        }
        return outv;
    }

    private float[][] ortAll(OrtEnvironment env, OrtSession session, List<int[]> ids, Pooling pooling) {
        float[][] outv = new float[ids.size()][];
        try {
            for (int from = 0; from < ids.size(); from += batch) {
                int to = Math.min(ids.size(), from + batch);
                int len = 0;
                for (int i = from; i < to; i++) {
                    len = Math.max(len, ids.get(i).length);
                }
                long[][] inputIds = new long[to - from][len];
                long[][] mask = new long[to - from][len];
                long[][] types = new long[to - from][len];
                for (int i = from; i < to; i++) {
                    int[] a = ids.get(i);
                    for (int t = 0; t < a.length; t++) {
                        inputIds[i - from][t] = a[t];
                        mask[i - from][t] = 1;
                    }
                }
                try (OnnxTensor x = OnnxTensor.createTensor(env, inputIds);
                     OnnxTensor m = OnnxTensor.createTensor(env, mask);
                     OnnxTensor ty = OnnxTensor.createTensor(env, types);
                     OrtSession.Result res = session.run(Map.of("input_ids", x, "attention_mask", m, "token_type_ids", ty))) {
                    float[][][] h = (float[][][]) res.get(0).getValue(); // h: [batch, len, hidden]
                    for (int i = from; i < to; i++) {
                        outv[i] = pool(h[i - from], ids.get(i).length, pooling);
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
        return outv;
    }

    private static float[] pool(float[][] h, int n, Pooling pooling) {
        int rows = pooling == Pooling.CLS ? 1 : n;
        double[] v = new double[h[0].length];
        for (int t = 0; t < rows; t++) {
            for (int j = 0; j < v.length; j++) {
                v[j] += h[t][j];
            }
        }
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        float[] e = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            e[j] = (float) (v[j] / norm);
        }
        return e;
    }

    /** Seconds per pass: one warm-up pass, then passes until {@code seconds} have passed; the median. */
    private double time(Runnable pass) {
        pass.run();
        List<Double> t = new ArrayList<>();
        long start = System.nanoTime();
        do {
            long t0 = System.nanoTime();
            pass.run();
            t.add((System.nanoTime() - t0) / 1e9);
        } while ((System.nanoTime() - start) / 1e9 < seconds || t.size() < 3);
        t.sort(Double::compare);
        return t.get(t.size() / 2);
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in = BenchEmbedCommand.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new dev.prune4j.core.BadInputException(name + " is not on the classpath");
            }
            return in.readAllBytes();
        }
    }
}
