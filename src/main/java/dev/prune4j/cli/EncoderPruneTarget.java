package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.eval.EmbeddingFidelity;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.io.onnx.OnnxBertExport;
import dev.prune4j.io.onnx.OnnxBertImport;
import dev.prune4j.io.onnx.OnnxFile;
import dev.prune4j.model.bert.BertCheckpointWriter;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import dev.prune4j.prune.BlockwiseModel;
import dev.prune4j.prune.EncoderCalibration;
import dev.prune4j.prune.Recipe;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.text.BuiltinCorpus;
import dev.prune4j.text.Corpus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sentence encoders in {@code prune4j prune}: calibration on sentences (a file, one per line, or
 * the built-in corpus), embedding fidelity before/after on held-out sentences that are disjoint
 * from the calibration sentences, and three outputs — the original ONNX graph with the pruned
 * weights, a Hugging Face / sentence-transformers directory, and (written by the command) the
 * compact checkpoint.
 */
final class EncoderPruneTarget implements PruneTarget {
    /** Sentences of the built-in corpus used: 30 to 400 characters (as {@code sweep-encoders}). */
    static final int MIN_CHARS = 30;
    static final int MAX_CHARS = 400;
    /** Calibration batch size (sentences per packed batch). */
    static final int BATCH = 16;
    static final String ONNX_FILE = "model.onnx";

    private final PruneCommand cmd;
    private final Recipe recipe;
    private final SentenceEncoder encoder;
    private final EncoderLoader.Source source;
    private final BlockwiseModel blocks;
    private final Map<String, Object> calibProtocol = new LinkedHashMap<>();
    private final Map<String, Object> evalProtocol = new LinkedHashMap<>();
    private final List<String> held;
    private float[][] dense;
    private Fidelity before;
    private Fidelity after;

    /** Fidelity of the current weights to the dense embeddings. */
    record Fidelity(EmbeddingFidelity.Result cosine, double neighbourAgreement) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean_cosine", cosine.meanCosine());
            m.put("min_cosine", cosine.minCosine());
            m.put("p05_cosine", cosine.p05Cosine());
            m.put("nearest_neighbour_agreement", neighbourAgreement);
            return m;
        }
    }

    EncoderPruneTarget(PruneCommand cmd, Recipe given, boolean needsCalib) {
        this.cmd = cmd;
        if (cmd.tokenizer != null || cmd.calibWindows != null || cmd.calibWindow != null || cmd.evalWindows != null
                || cmd.evalWindow != null) {
            throw new BadInputException("--tokenizer, --calib-windows, --calib-window, --eval-windows and --eval-window apply to"
                    + " decoders; " + cmd.model + " is an encoder (use --calib-sentences, --eval-sentences, --max-length;"
                    + " its own tokenizer.json is used)");
        }
        Recipe r = given.withEncoderDefaults();
        Recipe.Calibration c = r.calibration();
        if (c.sentences() < 1 || c.start() < 0) {
            throw new BadInputException("calibration: sentences must be >= 1 and start >= 0, found " + c.sentences()
                    + " and " + c.start());
        }
        int evalN = cmd.evalSentences != null ? cmd.evalSentences : 256;
        if (evalN < 2) {
            throw new BadInputException("--eval-sentences must be at least 2, found " + evalN);
        }
        // text first (cheap checks before the model loads)
        int start = Math.toIntExact(c.start());
        List<String> calibAll;
        String calibSource;
        if (c.text() != null) {
            Corpus corpus = Corpus.read(Path.of(c.text()), Corpus.Segmentation.LINES);
            calibAll = corpus.documents();
            calibSource = corpus.source() + " (" + corpus.segmentation() + ")";
        } else {
            calibAll = BuiltinCorpus.sentences(start + c.sentences() + evalN + 256, MIN_CHARS, MAX_CHARS);
            calibSource = BuiltinCorpus.PROVENANCE + ", sentences of " + MIN_CHARS + "-" + MAX_CHARS + " characters";
        }
        if (calibAll.size() < start + c.sentences()) {
            throw new BadInputException((c.text() != null ? c.text() : "the built-in corpus") + ": has " + calibAll.size()
                    + " sentences; calibration asks for " + c.sentences() + " from index " + start
                    + " (lower --calib-sentences or --calib-start)");
        }
        List<String> calib = calibAll.subList(start, start + c.sentences());
        Set<String> calibSet = new HashSet<>(calib);
        this.held = cmd.noEval ? List.of() : heldOut(c, calibAll, start + c.sentences(), calibSet, evalN);

        EncoderLoader.Loaded loaded = EncoderLoader.loadWithSource(cmd.model,
                new EncoderLoader.Options(null, c.maxLength() != null ? c.maxLength() : cmd.maxLength != null ? cmd.maxLength : 0));
        this.encoder = loaded.encoder();
        this.source = loaded.source();
        if (source.onnx() != null) {
            OnnxBertExport.checkWritable(source.onnx()); // int8 exports and external data fail here, before any work
        }
        int maxLength = encoder.tokenizer().maxLength();
        this.recipe = r.withCalibration(new Recipe.Calibration(c.text(), c.windows(), c.window(), c.start(), c.sentences(),
                maxLength));
        this.blocks = needsCalib ? EncoderCalibration.blocks(encoder, calib) : EncoderCalibration.blocks(encoder, List.of());
        calibProtocol.put("text", calibSource);
        calibProtocol.put("sentences", calib.size() + " (indices " + start + ".." + (start + calib.size() - 1) + ")");
        calibProtocol.put("tokenizer", encoder.tokenizer().source());
        calibProtocol.put("max_length", maxLength);
        calibProtocol.put("batching", "batches of " + BATCH + " sentences, packed without padding");
        calibProtocol.put("used", needsCalib ? "yes" : "no (" + recipe.method() + " is data-free)");
        calibProtocol.put("seed", recipe.seed());
    }

    /** Held-out sentences: from --eval-text or after the calibration block, none equal to a calibration sentence. */
    private List<String> heldOut(Recipe.Calibration c, List<String> calibAll, int after, Set<String> calibSet, int n) {
        List<String> pool;
        String src;
        if (cmd.evalText != null) {
            Corpus corpus = Corpus.read(cmd.evalText, Corpus.Segmentation.LINES);
            pool = corpus.documents();
            src = corpus.source() + " (" + corpus.segmentation() + "), from its first line";
        } else if (c.text() == null) {
            pool = calibAll.subList(after, calibAll.size());
            src = BuiltinCorpus.PROVENANCE + ", sentences of " + MIN_CHARS + "-" + MAX_CHARS
                    + " characters following the calibration sentences";
        } else {
            pool = BuiltinCorpus.sentences(n + 256, MIN_CHARS, MAX_CHARS);
            src = BuiltinCorpus.PROVENANCE + ", the first sentences of " + MIN_CHARS + "-" + MAX_CHARS + " characters";
        }
        List<String> out = new ArrayList<>();
        int skipped = 0;
        for (String s : pool) {
            if (out.size() == n) {
                break;
            }
            if (calibSet.contains(s)) {
                skipped++;
            } else {
                out.add(s);
            }
        }
        if (out.size() < n) {
            throw new BadInputException("evaluation text: only " + out.size() + " held-out sentences (not used for calibration)"
                    + " are available, asked for " + n + " (lower --eval-sentences or give --eval-text FILE)");
        }
        evalProtocol.put("text", src);
        evalProtocol.put("sentences", n);
        evalProtocol.put("held_out", "disjoint from the calibration sentences (exact-string check; " + skipped + " skipped)");
        evalProtocol.put("metric", "cosine(pruned, dense) of the pooled, L2-normalised embeddings per sentence;"
                + " nearest-neighbour agreement = share of sentences whose most similar other held-out sentence is unchanged");
        evalProtocol.put("pooling", encoder == null ? null : encoder.pooling().name().toLowerCase(Locale.ROOT));
        return out;
    }

    @Override
    public Recipe recipe() {
        return recipe;
    }

    @Override
    public BlockwiseModel blocks() {
        return blocks;
    }

    @Override
    public Map<String, Object> calibrationProtocol() {
        return calibProtocol;
    }

    @Override
    public void evaluate(boolean afterPruning) {
        if (cmd.noEval) {
            return;
        }
        evalProtocol.put("pooling", encoder.pooling().name().toLowerCase(Locale.ROOT));
        evalProtocol.put("max_length", encoder.tokenizer().maxLength());
        evalProtocol.put("model", encoder.name());
        float[][] now = encoder.embed(held);
        if (!afterPruning) {
            dense = now;
        }
        EmbeddingFidelity.Result f = EmbeddingFidelity.summarize(EmbeddingFidelity.cosines(now, dense), evalProtocol);
        Fidelity r = new Fidelity(f, EmbeddingFidelity.neighbourAgreement(now, dense));
        if (afterPruning) {
            after = r;
        } else {
            before = r;
        }
    }

    @Override
    public Map<String, Object> evaluation() {
        if (before == null || after == null) {
            return null;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "embedding fidelity to the dense model");
        e.put("protocol", evalProtocol);
        e.put("before", before.toMap());
        e.put("after", after.toMap());
        return e;
    }

    @Override
    public List<String> evaluationLines() {
        if (before == null || after == null) {
            return List.of();
        }
        List<String> l = new ArrayList<>();
        l.add(String.format(Locale.ROOT, "%-34s %10s %10s", "embedding fidelity (held out)", "dense", "pruned"));
        l.add(String.format(Locale.ROOT, "%-34s %10.4f %10.4f", "mean cosine to dense", before.cosine().meanCosine(),
                after.cosine().meanCosine()));
        l.add(String.format(Locale.ROOT, "%-34s %10.4f %10.4f", "min cosine to dense", before.cosine().minCosine(),
                after.cosine().minCosine()));
        l.add(String.format(Locale.ROOT, "%-34s %10.4f %10.4f", "5th percentile cosine", before.cosine().p05Cosine(),
                after.cosine().p05Cosine()));
        l.add(String.format(Locale.ROOT, "%-34s %10.4f %10.4f", "nearest-neighbour agreement", before.neighbourAgreement(),
                after.neighbourAgreement()));
        l.add("protocol:");
        evalProtocol.forEach((k, v) -> l.add("  " + k + ": " + v));
        return l;
    }

    /** The encoder (its weights pruned in place once the command has run). */
    SentenceEncoder encoder() {
        return encoder;
    }

    @Override
    public Map<String, Tensor> write(Path dir, Map<String, String> metadata) {
        Map<String, Tensor> params = encoder.model().parameters();
        BertCheckpointWriter.write(dir, encoder.encoder().config(), params, encoder.pooling(), source, metadata);
        if (source.onnx() != null) {
            OnnxBertExport.write(source.onnx(), params, dir.resolve(ONNX_FILE));
        }
        return SafeTensors.read(dir).tensors();
    }

    @Override
    public Map<String, Object> outputs(Path dir, List<String> prunedLayers) {
        Map<String, Object> o = new LinkedHashMap<>();
        Path onnx = dir.resolve(ONNX_FILE);
        if (!Files.exists(onnx)) {
            o.put("onnx", "not written: the input is a safetensors checkpoint, not an ONNX graph to rewrite");
            return o;
        }
        // achieved sparsity counted again from the initializers of the saved ONNX graph
        Map<String, Tensor> w = OnnxBertImport.read(OnnxFile.read(onnx)).weights();
        long zeros = 0;
        long n = 0;
        for (String name : prunedLayers) {
            Tensor t = w.get(name);
            if (t == null) {
                throw new IllegalStateException("the saved ONNX model has no weight for " + name);
            }
            for (float v : t.toFloatArray()) {
                zeros += v == 0f ? 1 : 0;
            }
            n += t.numel();
        }
        o.put("onnx_file", ONNX_FILE);
        try {
            o.put("onnx_bytes", Files.size(onnx));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        o.put("onnx_sparsity_of_pruned_layers", n == 0 ? 0 : (double) zeros / n);
        return o;
    }

    @Override
    public List<String> outputLines(Map<String, Object> outputs, Path out) {
        if (!outputs.containsKey("onnx_file")) {
            return List.of("onnx: " + outputs.get("onnx"));
        }
        return List.of(String.format(Locale.ROOT, "saved: %s (%d bytes, ONNX: the original graph with the pruned weights;"
                        + " sparsity counted from its initializers %.4f)", out.resolve(ONNX_FILE), (long) outputs.get("onnx_bytes"),
                (double) outputs.get("onnx_sparsity_of_pruned_layers")));
    }
}
