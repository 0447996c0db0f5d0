package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.text.HfTokenizer;
import dev.prune4j.text.Llama2cTokenizer;
import dev.prune4j.text.Tokenizer;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --model} and {@code --tokenizer} options shared by decoder commands (a picocli mixin). */
final class DecoderInputs {
    @Option(names = "--model", required = true, paramLabel = "M",
            description = "Checkpoint directory (config.json + safetensors), a .safetensors file with config.json next to it, or a llama2.c .bin.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "T",
            description = "llama2.c tokenizer .bin or Hugging Face tokenizer.json (default: tokenizer.json or tokenizer.bin next to the model).")
    Path tokenizer;

    /** The loaded model; it must be a LLaMA-like decoder. */
    Model loadModel() {
        Model m = ModelLoader.load(model);
        if (!(m.architecture() instanceof LlamaConfig)) {
            throw new BadInputException(model + ": model_type '" + m.architecture().modelType()
                    + "' is not a decoder; this command runs: llama, mistral, qwen2, qwen3 (and llama2.c .bin)");
        }
        return m;
    }

    /** The tokenizer given, or the tokenizer.json beside the model. */
    Tokenizer loadTokenizer(Model m) {
        LlamaConfig c = (LlamaConfig) m.architecture();
        Path t = tokenizer;
        if (t == null) {
            Path dir = Files.isDirectory(model) ? model : model.toAbsolutePath().getParent();
            t = java.util.stream.Stream.of("tokenizer.json", "tokenizer.bin").map(dir::resolve).filter(Files::isRegularFile)
                    .findFirst().orElseThrow(() -> new BadInputException("--tokenizer is needed: no tokenizer.json or tokenizer.bin in "
                            + dir + " (give a llama2.c tokenizer .bin or a Hugging Face tokenizer.json)"));
        }
        String name = t.getFileName().toString();
        Tokenizer tok = name.endsWith(".json") ? HfTokenizer.read(t, c.bosTokenId()) : Llama2cTokenizer.read(t);
        if (tok.vocabSize() > c.vocabSize()) {
            throw new BadInputException(t + ": the tokenizer has " + tok.vocabSize() + " tokens but the model's vocabulary has "
                    + c.vocabSize() + "; they do not belong together");
        }
        return tok;
    }
}
