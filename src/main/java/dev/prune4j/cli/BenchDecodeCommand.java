package dev.prune4j.cli;

import dev.prune4j.core.Versions;
import dev.prune4j.eval.DecodeBenchmark;
import dev.prune4j.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code prune4j bench decode}: decoder speed and load memory on a synthetic LLaMA-shaped model. */
@Command(name = "decode", description = "Decode tokens/s vs the bandwidth roofline, prefill vs the GEMM rate, RSS vs file size, "
        + "on a synthetic LLaMA-shaped checkpoint (default: TinyLlama-1.1B's shape, random weights).")
final class BenchDecodeCommand implements Callable<Integer> {
    @Option(names = "--hidden", defaultValue = "2048") int hidden;
    @Option(names = "--intermediate", defaultValue = "5632") int intermediate;
    @Option(names = "--layers", defaultValue = "22") int layers;
    @Option(names = "--heads", defaultValue = "32") int heads;
    @Option(names = "--kv-heads", defaultValue = "4") int kvHeads;
    @Option(names = "--vocab", defaultValue = "32000") int vocab;
    @Option(names = "--dtype", defaultValue = "F32", description = "Stored dtype: F32, BF16 or F16 (default: ${DEFAULT-VALUE}).")
    DType dtype;
    @Option(names = "--prefill", defaultValue = "512", description = "Prompt tokens (default: ${DEFAULT-VALUE}).") int prefill;
    @Option(names = "--tokens", defaultValue = "16", description = "Decoded tokens (default: ${DEFAULT-VALUE}).") int tokens;
    @Option(names = "--seed", defaultValue = "42") long seed;
    @Option(names = "--probe-mib", defaultValue = "512",
            description = "Size of each array of the stream-copy bandwidth probe in MiB (default: ${DEFAULT-VALUE}).")
    int probeMiB;
    @Option(names = "--dir", description = "Where to write the checkpoint (default: a temporary directory, deleted after).")
    Path dir;
    @Option(names = "--json", description = "Print one JSON object on stdout.") boolean json;
    @Option(names = "--sparsity", defaultValue = "0",
            description = "Prune the synthetic linear weights before writing: a fraction (0.5, by magnitude) or N:M (2:4). Default: none.")
    String sparsity;
    @Option(names = "--baseline", description = "Also time dense float32 decode of the same checkpoint in this run (the ratio's baseline).")
    boolean baseline;
    @Mixin
    RuntimeOptions runtimeOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DecodeBenchmark.Settings s = new DecodeBenchmark.Settings(hidden, intermediate, layers, heads, kvHeads, vocab, dtype,
                prefill, tokens, probeMiB, seed);
        boolean temporary = dir == null;
        Path d = temporary ? Files.createTempDirectory("prune4j-bench-decode-") : dir;
        try {
            DecodeBenchmark.Variant v = new DecodeBenchmark.Variant(runtimeOptions.get(), sparsity, baseline);
            Map<String, Object> r = new LinkedHashMap<>(DecodeBenchmark.run(d, s, v, line -> {
                (json ? err : out).println("bench decode: " + line);
                (json ? err : out).flush();
            }));
            r.put("environment", Versions.environment());
            if (json) {
                Json.print(out, r);
            }
        } finally {
            if (temporary) {
                try (Stream<Path> files = Files.walk(d)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
        return Main.OK;
    }
}
