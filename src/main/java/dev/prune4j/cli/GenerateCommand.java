package dev.prune4j.cli;

import dev.prune4j.core.Versions;
import dev.prune4j.model.Generator;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.model.Sampler;
import dev.prune4j.model.SamplingOptions;
import dev.prune4j.text.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j generate}: text continuation with a decoder, greedy or seeded sampling. */
@Command(name = "generate", description = "Generate text with a LLaMA-family decoder (greedy by default, or seeded top-k/top-p sampling).")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Mixin
    DecoderInputs inputs;

    @Option(names = "--prompt", defaultValue = "", description = "Prompt text (default: empty, i.e. BOS only).")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "64", description = "New tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default); > 0 samples.")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample among the k most likely tokens (0 = all).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus: smallest set with this probability (default 1).")
    double topP;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SamplingOptions sampling = new SamplingOptions(temperature, topK, topP, seed);
        Model model = inputs.loadModel();
        Tokenizer tok = inputs.loadTokenizer(model);
        LlamaDecoder decoder = new LlamaDecoder(model, runtimeOptions.get());
        int[] promptIds = tok.encode(prompt, Tokenizer.Bos.ADD);
        err.println("prune4j generate: " + model.architecture().describe() + "; " + tok.describe());
        StringBuilder shown = new StringBuilder();
        int[] acc = java.util.Arrays.copyOf(promptIds, promptIds.length + Math.max(0, maxTokens));
        int[] n = {promptIds.length};
        if (!json) {
            String p = tok.decode(promptIds);
            out.print(p);
            shown.append(p);
            out.flush();
        }
        Generator.Result r = Generator.generate(decoder, promptIds, maxTokens, new Sampler(sampling), id -> {
            acc[n[0]++] = id;
            if (!json) {
                String text = tok.decode(acc, 0, n[0]);
                if (text.startsWith(shown.toString()) && !text.endsWith("\uFFFD")) {
                    out.print(text.substring(shown.length()));
                    out.flush();
                    shown.setLength(0);
                    shown.append(text);
                }
            }
        });
        String text = tok.decode(r.ids());
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("model", inputs.model.toString());
            o.put("architecture", model.architecture().describe());
            o.put("tokenizer", tok.describe());
            o.put("prompt", prompt);
            o.put("prompt_ids", promptIds);
            o.put("ids", r.ids());
            o.put("text", text);
            o.put("generated_tokens", r.generated());
            o.put("stop", r.stop().name().toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("temperature", temperature);
            s.put("top_k", topK);
            s.put("top_p", topP);
            s.put("seed", seed);
            s.put("greedy", sampling.isGreedy());
            o.put("sampling", s);
            o.put("prefill_seconds", r.prefillSeconds());
            o.put("decode_seconds", r.decodeSeconds());
            o.put("decode_tokens_per_second", r.generated() > 1 ? (r.generated() - 1) / r.decodeSeconds() : null);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            if (text.startsWith(shown.toString())) {
                out.print(text.substring(shown.length()));
            }
            out.println();
            out.flush();
            err.printf("prune4j generate: %d prompt tokens, %d generated (%s); %.1f tokens/s decode%n", promptIds.length,
                    r.generated(), r.stop().name().toLowerCase(java.util.Locale.ROOT),
                    r.generated() > 1 ? (r.generated() - 1) / r.decodeSeconds() : 0.0);
        }
        return Main.OK;
    }
}
