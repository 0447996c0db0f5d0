package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.Pooling;
import dev.prune4j.model.bert.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import dev.prune4j.model.LinearRuntime;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j embed}: sentence embeddings of the lines of a text file. */
@Command(name = "embed", description = "Embed each non-blank line of a text file with a BERT-family encoder.")
final class EmbedCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--model", required = true, paramLabel = "M",
            description = "Checkpoint directory, .safetensors or .onnx file, hub id org/name, or a built-in name "
                    + "(all-minilm-l6-v2, bge-small-en-v15, e5-small-v2).")
    String model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "UTF-8 text, one text per line.")
    Path input;

    @Option(names = "--pooling", description = "Override the model's pooling: ${COMPLETION-CANDIDATES}.")
    Pooling pooling;

    @Option(names = "--max-length", defaultValue = "0",
            description = "Truncate inputs to this many tokens ([CLS] and [SEP] included); 0 = the model's limit.")
    int maxLength;

    @Option(names = "--batch-size", defaultValue = "32", description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print one JSON object {\"embeddings\": [[...], ...], ...} on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (batchSize < 1) {
            throw new BadInputException("--batch-size must be positive, found " + batchSize);
        }
        List<String> texts = readLines(input);
        long t0 = System.nanoTime();
        LinearRuntime rt = runtimeOptions.get();
        try (SentenceEncoder base = EncoderLoader.load(model, new EncoderLoader.Options(pooling, maxLength))) {
            SentenceEncoder enc = (rt.mode() == LinearRuntime.Mode.F32 ? base : base.withRuntime(rt)).withBatchSize(batchSize);
            long t1 = System.nanoTime();
            err.printf(Locale.ROOT, "prune4j embed: %s (%s), %s pooling, loaded in %.2f s; embedding %d texts%n",
                    enc.name(), enc.encoder().config().describe(), enc.pooling(), (t1 - t0) / 1e9, texts.size());
            float[][] e = enc.embed(texts);
            long t2 = System.nanoTime();
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("model", enc.name());
                r.put("dimension", enc.dimension());
                r.put("pooling", enc.pooling().name().toLowerCase(Locale.ROOT));
                r.put("normalized", true);
                r.put("maxLength", enc.tokenizer().maxLength());
                r.put("kernels", Kernels.get().name());
                r.put("runtime", rt.mode().name().toLowerCase(Locale.ROOT));
                r.put("seconds", (t2 - t1) / 1e9);
                r.put("embeddings", e);
                Json.print(out, r);
            } else {
                for (int i = 0; i < e.length; i++) {
                    StringBuilder b = new StringBuilder();
                    for (int j = 0; j < Math.min(4, e[i].length); j++) {
                        b.append(String.format(Locale.ROOT, "%8.4f ", e[i][j]));
                    }
                    out.printf(Locale.ROOT, "%4d  [%s…] (%d dims)  %s%n", i, b, e[i].length, abbreviate(texts.get(i)));
                }
                out.printf(Locale.ROOT, "%d embeddings in %.3f s%n", e.length, (t2 - t1) / 1e9);
            }
        }
        return Main.OK;
    }

    /** Non-blank lines of a UTF-8 file. */
    static List<String> readLines(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new BadInputException(file + ": not UTF-8 text");
        }
        List<String> texts = lines.stream().filter(l -> !l.isBlank()).toList();
        if (texts.isEmpty()) {
            throw new BadInputException(file + ": no text (expected one text per line, found only blank lines)");
        }
        return texts;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
