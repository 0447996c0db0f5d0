package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.eval.Perplexity;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.model.HfCheckpointWriter;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.prune.BlockwiseModel;
import dev.prune4j.prune.DecoderBlocks;
import dev.prune4j.prune.Recipe;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.text.Corpus;
import dev.prune4j.text.TokenStream;
import dev.prune4j.text.Tokenizer;
import dev.prune4j.text.Windows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decoders in {@code prune4j prune}: calibration windows cut from a text's token stream,
 * perplexity before/after on evaluation windows, a Hugging Face checkpoint directory.
 */
final class DecoderPruneTarget implements PruneTarget {
    private final PruneCommand cmd;
    private final DecoderInputs inputs;
    private final Recipe recipe;
    private final Model model;
    private final LlamaConfig cfg;
    private final LlamaDecoder decoder;
    private final DecoderBlocks blocks;
    private final Map<String, Object> calibProtocol = new LinkedHashMap<>();
    private final Map<String, Object> evalProtocol = new LinkedHashMap<>();
    private final List<int[]> evalCut;
    private Perplexity.Result before;
    private Perplexity.Result after;

    DecoderPruneTarget(PruneCommand cmd, Recipe given, boolean needsCalib) {
        this.cmd = cmd;
        if (cmd.calibSentences != null || cmd.evalSentences != null || cmd.maxLength != null) {
            throw new BadInputException("--calib-sentences, --eval-sentences and --max-length apply to encoders; "
                    + cmd.model + " is a decoder (use --calib-windows, --calib-window, --eval-windows, --eval-window)");
        }
        this.recipe = given.withDefaults();
        this.inputs = new DecoderInputs();
        inputs.model = Path.of(cmd.model);
        inputs.tokenizer = cmd.tokenizer;
        this.model = inputs.loadModel();
        this.cfg = (LlamaConfig) model.architecture();
        Tokenizer tok = inputs.loadTokenizer(model);
        this.decoder = new LlamaDecoder(model);

        String calibPath = recipe.calibration().text();
        List<int[]> calibWindowsCut = calibrationWindows(recipe, tok, needsCalib, calibProtocol);
        this.blocks = new DecoderBlocks(decoder, calibWindowsCut);

        Path evalPath = cmd.evalText != null ? cmd.evalText : calibPath != null ? Path.of(calibPath) : null;
        List<int[]> cut = List.of();
        if (!cmd.noEval) {
            if (evalPath == null) {
                throw new BadInputException("no evaluation text: give --eval-text FILE or --calib FILE, or pass --no-eval");
            }
            int window = cmd.evalWindow != null ? cmd.evalWindow : 256;
            int windows = cmd.evalWindows != null ? cmd.evalWindows : 32;
            Corpus c = Corpus.read(evalPath, Corpus.Segmentation.PARAGRAPHS);
            TokenStream s = TokenStream.encode(c, tok, Tokenizer.Bos.ADD);
            Windows ew = Windows.strided(window, windows);
            cut = ew.cut(s);
            evalProtocol.put("text", c.source());
            evalProtocol.put("segmentation", c.segmentation());
            evalProtocol.put("tokenizer", tok.describe());
            evalProtocol.put("encoding", s.description());
            evalProtocol.put("token_stream_sha256", s.sha256());
            evalProtocol.putAll(ew.describe());
            evalProtocol.put("scoring", "mean NLL (natural log) of tokens 2.." + window + " of every window given their prefix");
        }
        this.evalCut = cut;
    }

    /**
     * The calibration windows of {@code recipe} (resolved, with defaults), cut from its text's
     * token stream exactly like evaluation windows; describes the protocol into {@code protocol}.
     * Empty when the method needs no calibration.
     */
    static List<int[]> calibrationWindows(Recipe recipe, Tokenizer tok, boolean needsCalib, Map<String, Object> protocol) {
        String calibPath = recipe.calibration().text();
        if (needsCalib && calibPath == null) {
            throw new BadInputException(recipe.method() + " needs calibration text: give --calib FILE (or calibration.text in the recipe)");
        }
        Windows calibW = new Windows(recipe.calibration().window(), recipe.calibration().windows(),
                Math.toIntExact(recipe.calibration().start()), recipe.calibration().window(), Windows.Placement.STRIDED, recipe.seed());
        if (calibPath == null) {
            return List.of();
        }
        Corpus c = Corpus.read(Path.of(calibPath), Corpus.Segmentation.PARAGRAPHS);
        TokenStream s = TokenStream.encode(c, tok, Tokenizer.Bos.ADD);
        protocol.put("text", c.source());
        protocol.put("segmentation", c.segmentation());
        protocol.put("tokenizer", tok.describe());
        protocol.put("encoding", s.description());
        protocol.put("token_stream_sha256", s.sha256());
        protocol.putAll(calibW.describe());
        return needsCalib ? calibW.cut(s) : List.of();
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
        Perplexity.Result r = Perplexity.evaluate(decoder, evalCut, i -> { });
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
        e.put("protocol", evalProtocol);
        e.put("before", Map.of("mean_nll", before.meanNll(), "perplexity", before.perplexity()));
        e.put("after", Map.of("mean_nll", after.meanNll(), "perplexity", after.perplexity()));
        return e;
    }

    @Override
    public List<String> evaluationLines() {
        if (before == null || after == null) {
            return List.of();
        }
        List<String> l = new ArrayList<>();
        l.add(String.format(Locale.ROOT, "perplexity: dense %.4f -> pruned %.4f", before.perplexity(), after.perplexity()));
        l.add("protocol:");
        evalProtocol.forEach((k, v) -> l.add("  " + k + ": " + v));
        return l;
    }

    @Override
    public Map<String, Tensor> write(Path dir, Map<String, String> metadata) {
        Map<String, Tensor> params = new LinkedHashMap<>(model.parameters());
        for (int b = 0; b < cfg.layers(); b++) {
            for (LlamaDecoder.LinearWeight w : decoder.linearWeights(b)) {
                params.put(w.name(), Tensor.wrap(w.weight(), w.out(), w.in()));
            }
        }
        Path src = Files.isDirectory(inputs.model) ? inputs.model : null;
        List<Path> side = new ArrayList<>(src != null ? HfCheckpointWriter.sideFiles(src) : List.of());
        if (inputs.tokenizer != null) {
            side.add(inputs.tokenizer);
        }
        HfCheckpointWriter.write(dir, cfg, params, new HfCheckpointWriter.Extras(src != null ? src.resolve("config.json") : null,
                side, metadata), false);
        return SafeTensors.read(dir).tensors();
    }

    @Override
    public Map<String, Object> outputs(Path dir, List<String> prunedLayers) {
        return Map.of();
    }
}
