package dev.prune4j.jmh;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Linear-layer GEMM {@code Y [m, n] = X [m, k] · Wᵀ} and the decode-step matvec, at LLM shapes.
 * Scores are times per call; GFLOP/s = 2·m·n·k / time. Same-run OpenBLAS ratios come from
 * {@code prune4j bench kernels}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBench {
    @Param({"1", "16", "128", "512"})
    int m;
    @Param({"4096"})
    int k;
    @Param({"4096", "11008"})
    int n;
    @Param({"1", "2"})
    int threads;

    float[] x;
    float[] w;
    float[] y;
    final Kernels kernels = Kernels.get();

    @Setup
    public void setUp() {
        Rng r = new Rng(42);
        x = new float[m * k];
        w = new float[n * k];
        y = new float[m * n];
        r.fillUniform(x, -1, 1);
        r.fillUniform(w, -1, 1);
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
    }

    @Benchmark
    public float[] gemmT() {
        kernels.gemmT(m, n, k, x, w, y);
        return y;
    }
}
