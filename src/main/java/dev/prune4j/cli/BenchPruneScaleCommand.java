package dev.prune4j.cli;

import dev.prune4j.bench.PruneScaleBench;
import dev.prune4j.core.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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

/** {@code prune4j bench prune-scale}: streaming SparseGPT on a synthetic BF16 LLaMA, time and peak memory. */
@Command(name = "prune-scale", description = "Streaming SparseGPT 50%% on a synthetic BF16 LLaMA checkpoint: time per phase, "
        + "peak RSS vs model size.")
final class BenchPruneScaleCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "M300", description = "Model shape: TINY, M300, B1, B7 (default: ${DEFAULT-VALUE}).")
    PruneScaleBench.Size size;

    @Option(names = "--layers", defaultValue = "0", description = "Blocks to build (0: the shape's own count).")
    int layers;

    @Option(names = "--samples", defaultValue = "32", description = "Calibration windows (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seq-len", defaultValue = "512", description = "Tokens per window (default: ${DEFAULT-VALUE}).")
    int seqLen;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and calibration tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--sequential", defaultValue = "block", paramLabel = "block|layer", description = "Calibration order: block "
            + "(the reference code's: dense block forward, then a pruned one) or layer (one forward; each layer sees the pruned layers "
            + "before it). Default: ${DEFAULT-VALUE}.")
    String sequential;

    @Option(names = "--dir", description = "Working directory for the model files (default: a new temporary one, deleted after).")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path work = dir != null ? dir : Files.createTempDirectory("prune4j-scale-");
        Map<String, Object> r;
        try {
            r = PruneScaleBench.run(new PruneScaleBench.Options(size, layers, samples, seqLen, seed, threads,
                    dev.prune4j.prune.OneShotPruner.Sequential.parse(sequential)), work, err);
        } finally {
            deleteTree(work.resolve("model"));
            deleteTree(work.resolve("pruned"));
            if (dir == null) {
                deleteTree(work);
            }
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>(r);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            r.forEach((k, v) -> out.printf("%-32s %s%n", k, v));
            out.flush();
        }
        return Main.OK;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
