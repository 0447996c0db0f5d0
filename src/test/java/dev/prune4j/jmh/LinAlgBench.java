package dev.prune4j.jmh;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.LinAlg;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Rng;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas_full;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Float64 SPD inverse (Cholesky + inverse, n³ flops) and SparseGPT's factor
 * ({@link LinAlg#choleskyInverseUpper}) against LAPACK dpotrf + dpotri from the same OpenBLAS, in
 * one fork. Each call first restores the input matrix (an n² copy, ≤ 1% of the time at n ≥ 1024).
 * Example: {@code bench/jmh.sh LinAlgBench -p n=1024 -p threads=2}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LinAlgBench {
    @Param({"1024", "2048"})
    int n;
    @Param({"1", "2"})
    int threads;

    double[] spd;
    double[] work;
    DoublePointer nativeA;

    @Setup
    public void setUp() {
        float[] g = new float[n * n];
        new Rng(7).fillUniform(g, -1, 1);
        float[] gg = new float[n * n];
        Kernels.get().gemmT(n, n, n, g, g, gg); // G·Gᵀ
        spd = new double[n * n]; // G·Gᵀ/n + I, symmetric
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                spd[i * n + j] = (double) gg[i * n + j] / n + (i == j ? 1 : 0);
                spd[j * n + i] = spd[i * n + j];
            }
        }
        work = new double[n * n];
        nativeA = new DoublePointer((long) n * n);
        int t = Math.min(threads, Parallel.maxThreads());
        Parallel.setThreads(t);
        openblas_full.openblas_set_num_threads(t);
    }

    @TearDown
    public void tearDown() {
        nativeA.close();
    }

    @Benchmark
    public double[] spdInverse() {
        System.arraycopy(spd, 0, work, 0, work.length);
        LinAlg.spdInverse(work, n);
        return work;
    }

    @Benchmark
    public double[] choleskyInverseUpper() {
        System.arraycopy(spd, 0, work, 0, work.length);
        LinAlg.choleskyInverseUpper(work, n);
        return work;
    }

    @Benchmark
    public int lapackPotrfPotri() {
        nativeA.put(spd);
        int info = openblas_full.LAPACKE_dpotrf(openblas_full.LAPACK_ROW_MAJOR, (byte) 'L', n, nativeA, n);
        if (info != 0) {
            throw new IllegalStateException("dpotrf info " + info);
        }
        return openblas_full.LAPACKE_dpotri(openblas_full.LAPACK_ROW_MAJOR, (byte) 'L', n, nativeA, n);
    }
}
