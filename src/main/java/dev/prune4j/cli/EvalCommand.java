package dev.prune4j.cli;

import dev.prune4j.core.Versions;
import dev.prune4j.eval.Perplexity;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.text.Corpus;
import dev.prune4j.text.TokenStream;
import dev.prune4j.text.Tokenizer;
import dev.prune4j.text.Windows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j eval}: perplexity of a decoder, with the protocol printed next to the number.
 * The defaults are the protocol of {@code fixtures/stories260K/perplexity.json}.
 */
@Command(name = "eval", description = "Perplexity of a LLaMA-family decoder on a text, with its protocol.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Mixin
    DecoderInputs inputs;

    @Option(names = "--text", required = true, paramLabel = "FILE", description = "UTF-8 .txt (or .jsonl with a \"text\" field per line).")
    Path text;

    @Option(names = "--segmentation", defaultValue = "PARAGRAPHS",
            description = "How a .txt is cut into documents: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Corpus.Segmentation segmentation;

    @Option(names = "--window", defaultValue = "256", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--windows", defaultValue = "32", description = "Number of windows (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--stride", description = "Tokens between window starts (default: the window length).")
    Integer stride;

    @Option(names = "--start", defaultValue = "0", description = "First token of the first window (default: ${DEFAULT-VALUE}).")
    int start;

    @Option(names = "--placement", defaultValue = "STRIDED", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Windows.Placement placement;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for --placement random (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Windows w = new Windows(window, windows, start, stride == null ? window : stride, placement, seed);
        Model model = inputs.loadModel();
        Tokenizer tok = inputs.loadTokenizer(model);
        LlamaDecoder decoder = new LlamaDecoder(model, runtimeOptions.get());
        Corpus corpus = Corpus.read(text, segmentation);
        TokenStream stream = TokenStream.encode(corpus, tok, Tokenizer.Bos.ADD);
        long t0 = System.nanoTime();
        Perplexity.Result r = Perplexity.evaluate(decoder, w.cut(stream), i -> {
            if (!json && (i + 1) % 8 == 0) {
                err.printf("prune4j eval: %d/%d windows%n", i + 1, windows);
                err.flush();
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("text", corpus.source());
        protocol.put("segmentation", corpus.segmentation());
        protocol.put("tokenizer", tok.describe());
        protocol.put("encoding", stream.description());
        protocol.put("total_tokens", stream.length());
        protocol.put("token_stream_sha256", stream.sha256());
        protocol.putAll(w.describe());
        protocol.put("scoring", "mean NLL (natural log) of tokens 2.." + window
                + " of every window given their prefix (the first token of a window is not scored)");
        protocol.put("scored_tokens", r.scoredTokens());

        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", inputs.model.toString());
            o.put("architecture", model.architecture().describe());
            o.put("mean_nll", r.meanNll());
            o.put("perplexity", r.perplexity());
            o.put("protocol", protocol);
            o.put("seconds", seconds);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            out.printf("perplexity %.4f (mean NLL %.5f nats/token over %d tokens) of %s%n", r.perplexity(), r.meanNll(),
                    r.scoredTokens(), inputs.model);
            out.println("protocol:");
            protocol.forEach((k, v) -> out.println("  " + k + ": " + v));
            out.printf("(%.1f s)%n", seconds);
            out.flush();
        }
        return Main.OK;
    }
}
