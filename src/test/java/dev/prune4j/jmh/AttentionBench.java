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

/** Attention-sized batched products: scores Q·Kᵀ and weighted values P·V, 12 heads of size 64. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AttentionBench {
    static final int HEADS = 12;
    static final int HEAD = 64;

    @Param({"128", "512"})
    int seq;
    @Param({"1", "2"})
    int threads;

    float[] q;
    float[] kv;
    float[] scores;
    float[] out;
    final Kernels kernels = Kernels.get();

    @Setup
    public void setUp() {
        Rng r = new Rng(7);
        q = new float[HEADS * seq * HEAD];     // [heads, seq, head]
        kv = new float[HEADS * seq * HEAD];    // [heads, seq, head]
        scores = new float[HEADS * seq * seq]; // [heads, seq, seq]
        out = new float[HEADS * seq * HEAD];
        r.fillUniform(q, -1, 1);
        r.fillUniform(kv, -1, 1);
        r.fillUniform(scores, 0, 1);
        Parallel.setThreads(Math.min(threads, Parallel.maxThreads()));
    }

    @Benchmark
    public float[] scoresQKt() {
        kernels.batchedGemm(HEADS, true, seq, seq, HEAD, q, 0, seq * HEAD, HEAD, kv, 0, seq * HEAD, HEAD,
                scores, 0, seq * seq, seq);
        return scores;
    }

    @Benchmark
    public float[] weightedValuesPV() {
        kernels.batchedGemm(HEADS, false, seq, HEAD, seq, scores, 0, seq * seq, seq, kv, 0, seq * HEAD, HEAD,
                out, 0, seq * HEAD, HEAD);
        return out;
    }
}
