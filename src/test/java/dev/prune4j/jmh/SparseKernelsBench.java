package dev.prune4j.jmh;

import dev.prune4j.kernels.Parallel;
import dev.prune4j.sparse.SparseFormat;
import dev.prune4j.sparse.SparseMatrices;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.sparse.SparseSpec;
import dev.prune4j.sparse.ValueType;
import dev.prune4j.tensor.Rng;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * JMH suite of the sparse kernels: decode matvec (M = 1) and prefill gemmT (M = 128) per packed
 * format, against the dense kernel ({@code layout = dense}) in the same fork. Weights are cold:
 * each invocation uses the next of {@code copies} packed copies (together larger than the L3
 * cache at the default shape). Example:
 * {@code java -cp ... org.openjdk.jmh.Main SparseKernelsBench -p layout=dense,2:4,bitmask -p sparsity=0.5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class SparseKernelsBench {
    /** dense, csr, bitmask, block, 2:4 */
    @Param({"dense", "2:4", "bitmask", "csr"})
    public String layout;

    @Param({"0.5"})
    public double sparsity;

    @Param({"F32"})
    public ValueType valueType;

    @Param({"4096"})
    public int rows;

    @Param({"4096"})
    public int cols;

    @Param({"4"})
    public int copies;

    @Param({"2"})
    public int threads;

    SparseMatrix[] mats;
    float[] x;
    float[] y;
    float[] xs;
    float[] ys;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
        Rng rng = new Rng(7);
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        boolean twoFour = layout.equals("2:4");
        for (int i = 0; i < w.length; i += twoFour ? 4 : 1) {
            if (twoFour) {
                w[i + rng.nextInt(2)] = 0f;
                w[i + 2 + rng.nextInt(2)] = 0f;
            } else if (rng.nextDouble() < sparsity) {
                w[i] = 0f;
            }
        }
        SparseSpec spec = switch (layout) {
            case "dense" -> SparseSpec.of(SparseFormat.DENSE, ValueType.F32);
            case "2:4" -> SparseSpec.nOfM(2, 4, valueType);
            default -> SparseSpec.of(SparseFormat.valueOf(layout.toUpperCase(java.util.Locale.ROOT)), valueType);
        };
        mats = new SparseMatrix[copies];
        for (int i = 0; i < copies; i++) {
            mats[i] = SparseMatrices.pack(w, rows, cols, spec);
        }
        x = new float[cols];
        y = new float[rows];
        xs = new float[128 * cols];
        ys = new float[128 * rows];
        rng.fillUniform(x, -1, 1);
        rng.fillUniform(xs, -1, 1);
    }

    @Benchmark
    public float matvecCold() {
        SparseMatrix m = mats[next++ % copies];
        m.matvec(x, y);
        return y[0];
    }

    @Benchmark
    public float matvecHot() {
        mats[0].matvec(x, y);
        return y[0];
    }

    @Benchmark
    public float prefill128() {
        mats[0].gemmT(128, xs, ys);
        return ys[0];
    }
}
