package dev.prune4j.bench;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.sparse.SparseFormat;
import dev.prune4j.sparse.SparseMatrices;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.sparse.SparseSpec;
import dev.prune4j.sparse.ValueType;
import dev.prune4j.tensor.Rng;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code prune4j bench sparse}: the sparse kernels against our dense kernel
 * ({@link Kernels#get()}'s matvec / gemmT) in the same run, on LLaMA-7B layer shapes, cold (a
 * rotating set of weight copies larger than three L3 caches, so weights stream from memory) and
 * hot (one copy, repeated), and against the roofline: bytes moved ÷ the streaming bandwidth
 * measured in the same run. Weights are random, pruned at random to the pattern of each case
 * (kernel speed depends on the pattern, not on which weights a criterion picked).
 */
public final class SparseBench {
    /** What the target table asks, per case. */
    record Target(String label, double goal) {
    }

    /** How a case prunes its random weights. */
    enum Pattern { UNSTRUCTURED, TWO_FOUR, BLOCK8 }

    /** One benchmark case. sparsity is the pruned fraction (0.5 for 2:4). */
    record Case(String group, int rows, int cols, int m, Pattern pattern, double sparsity, SparseSpec spec, Target target) {
        String sparsityLabel() {
            return pattern == Pattern.TWO_FOUR ? "2:4" : String.format(Locale.ROOT, "%.2f", sparsity);
        }
    }

    /** Options: quick (decode targets only, short timings), threads, seed. */
    public record Options(boolean quick, int threads, long seed) {
        public Options {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, found " + threads);
            }
        }
    }

    private final Options options;
    private final PrintWriter progress;
    private final long l3Bytes;

    public SparseBench(Options options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
        this.l3Bytes = l3CacheBytes();
    }

    static final int[][] SHAPES = {{4096, 4096}, {11008, 4096}};

    List<Case> cases() {
        List<Case> cs = new ArrayList<>();
        for (int[] s : SHAPES) {
            int rows = s[0];
            int cols = s[1];
            cs.add(new Case("decode", rows, cols, 1, Pattern.TWO_FOUR, 0.5, SparseSpec.nOfM(2, 4, ValueType.F32), new Target("decode 2:4", 1.7)));
            cs.add(new Case("decode", rows, cols, 1, Pattern.UNSTRUCTURED, 0.5, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32), new Target("decode 50%", 1.5)));
            cs.add(new Case("decode", rows, cols, 1, Pattern.UNSTRUCTURED, 0.7, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32), new Target("decode 70%", 2.5)));
            cs.add(new Case("decode", rows, cols, 1, Pattern.UNSTRUCTURED, 0.9, SparseSpec.of(SparseFormat.CSR, ValueType.F32), new Target("decode 90%", 5.0)));
            cs.add(new Case("decode", rows, cols, 1, Pattern.UNSTRUCTURED, 0.6, SparseSpec.of(SparseFormat.BITMASK, ValueType.INT8), new Target("decode 60% + INT8", 6.0)));
        }
        if (options.quick()) {
            return cs;
        }
        for (int[] s : SHAPES) {
            cs.add(new Case("prefill", s[0], s[1], 128, Pattern.TWO_FOUR, 0.5, SparseSpec.nOfM(2, 4, ValueType.F32), new Target("prefill M=128 2:4", 1.2)));
            cs.add(new Case("prefill", s[0], s[1], 128, Pattern.UNSTRUCTURED, 0.5, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32), null));
        }
        // sweep for the plot: speedup vs sparsity per format, 4096×4096 decode, F32
        for (double sp : new double[] {0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95}) {
            cs.add(new Case("sweep", 4096, 4096, 1, Pattern.UNSTRUCTURED, sp, SparseSpec.of(SparseFormat.CSR, ValueType.F32), null));
            cs.add(new Case("sweep", 4096, 4096, 1, Pattern.UNSTRUCTURED, sp, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32), null));
            cs.add(new Case("sweep", 4096, 4096, 1, Pattern.BLOCK8, sp, SparseSpec.of(SparseFormat.BLOCK, ValueType.F32), null));
            cs.add(new Case("sweep", 4096, 4096, 1, Pattern.UNSTRUCTURED, sp, SparseSpec.of(SparseFormat.BITMASK, ValueType.BF16), null));
            cs.add(new Case("sweep", 4096, 4096, 1, Pattern.UNSTRUCTURED, sp, SparseSpec.of(SparseFormat.BITMASK, ValueType.INT8), null));
        }
        cs.add(new Case("sweep", 4096, 4096, 1, Pattern.TWO_FOUR, 0.5, SparseSpec.nOfM(2, 4, ValueType.F32), null));
        cs.add(new Case("sweep", 4096, 4096, 1, Pattern.TWO_FOUR, 0.5, SparseSpec.nOfM(2, 4, ValueType.BF16), null));
        cs.add(new Case("sweep", 4096, 4096, 1, Pattern.TWO_FOUR, 0.5, SparseSpec.nOfM(2, 4, ValueType.INT8), null));
        return cs;
    }

    /** Runs every case; returns the JSON-ready result. */
    public Map<String, Object> run() {
        int before = Parallel.threads();
        Parallel.setThreads(Math.min(options.threads(), Parallel.maxThreads()));
        try {
            return runCases();
        } finally {
            Parallel.setThreads(before);
        }
    }

    private Map<String, Object> runCases() {
        double loadBefore = loadAverage();
        double bw = streamingBandwidth();
        progress.printf(Locale.ROOT, "bench sparse: %d threads, streaming bandwidth %.1f GB/s, L3 %d MiB, dense kernels '%s', load average %.1f%n",
                Parallel.threads(), bw / 1e9, l3Bytes >> 20, Kernels.get().name(), loadBefore);
        List<Map<String, Object>> out = new ArrayList<>();
        String denseKey = "";
        SparseMatrix[] dense = null;
        List<Case> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            progress.printf(Locale.ROOT, "[%d/%d] %s %dx%d M=%d %s sparsity=%s %s ...%n", i + 1, cases.size(), c.group(), c.rows(), c.cols(),
                    c.m(), c.spec().label(), c.sparsityLabel(), c.spec().valueType());
            String key = c.rows() + "x" + c.cols();
            if (!key.equals(denseKey)) { // one shape's dense copies alive at a time
                dense = null;
                dense = copies(randomDense(c.rows(), c.cols(), Rng.derived(options.seed(), key)), c.rows(), c.cols(),
                        SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
                denseKey = key;
            }
            out.add(runCase(c, dense, bw));
            Map<String, Object> r = out.getLast();
            progress.printf(Locale.ROOT, "    dense %.3f ms, sparse %.3f ms: %.2fx (hot %.2fx; roofline limit %.2fx, %.0f%% of roofline)%n",
                    r.get("denseMs"), r.get("sparseMs"), r.get("ratio"), r.get("hotRatio"), r.get("limitRatio"),
                    100 * (double) r.get("fractionOfRoofline"));
            if (r.containsKey("residentSparseNsPer8")) {
                progress.printf(Locale.ROOT, "    ns per 8 weight positions per thread: cold dense %.2f, sparse %.2f; in cache (1 core) dense %.2f, sparse %.2f%n",
                        r.get("coldDenseNsPer8PerThread"), r.get("coldSparseNsPer8PerThread"), r.get("residentDenseNsPer8"),
                        r.get("residentSparseNsPer8"));
            }
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("benchmark", "sparse");
        res.put("quick", options.quick());
        res.put("threads", Parallel.threads());
        res.put("seed", options.seed());
        res.put("denseKernels", Kernels.get().name());
        res.put("bandwidthGBs", bw / 1e9);
        res.put("l3Bytes", l3Bytes);
        res.put("javaVersion", Runtime.version().toString());
        res.put("loadAverageBefore", loadBefore);
        res.put("loadAverageAfter", loadAverage());
        res.put("cases", out);
        return res;
    }

    private Map<String, Object> runCase(Case c, SparseMatrix[] dense, double bw) {
        Rng rng = Rng.derived(options.seed(), c.group() + c.rows() + "x" + c.cols() + c.spec() + c.sparsity());
        float[] w = pruned(c, rng);
        SparseMatrix[] sparse = copies(w, c.rows(), c.cols(), c.spec());
        float[] residentSlice = c.m() == 1 ? java.util.Arrays.copyOf(w, Math.min(RESIDENT_ROWS, c.rows()) * c.cols()) : null;
        w = null;
        float[] x = new float[c.m() * c.cols()];
        rng.fillUniform(x, -1, 1);
        float[] y = new float[c.m() * c.rows()];
        double targetSeconds = options.quick() ? 0.08 : 0.25;
        int rounds = options.quick() ? 3 : 5;
        // A first use of a layout JIT-compiles its kernels: C2 finishes a few hundred ms in, and its
        // compiler thread takes one of the two cores meanwhile, so measuring sooner times C1 code
        // and a busy machine (seen with -XX:+PrintCompilation). Warm the sparse product up first.
        time(sparse, sparse.length, c.m(), x, y, WARMUP_SECONDS);
        double[] cold = compare(dense, sparse, dense.length, sparse.length, c.m(), x, y, targetSeconds, rounds);
        double[] hot = compare(dense, sparse, 1, 1, c.m(), x, y, targetSeconds, rounds);
        double[] resident = residentSlice != null ? resident(residentSlice, c) : null; // after the rounds: kernels compiled
        SparseMatrix s = sparse[0];
        long ioBytes = 4L * c.m() * (c.rows() + c.cols());
        double sparseBytes = s.bytes() + ioBytes;
        double denseBytes = dense[0].bytes() + ioBytes;
        double rooflineSeconds = sparseBytes / bw;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("group", c.group());
        r.put("shape", List.of(c.rows(), c.cols()));
        r.put("M", c.m());
        r.put("format", c.spec().label());
        r.put("formatName", s.formatName());
        r.put("sparsity", c.pattern() == Pattern.TWO_FOUR ? (Object) "2:4" : (Object) c.sparsity());
        r.put("pattern", c.pattern().name().toLowerCase(Locale.ROOT));
        r.put("valueType", c.spec().valueType().name());
        r.put("bytesPerWeight", s.bytesPerWeight());
        r.put("coldCopies", List.of(dense.length, sparse.length));
        r.put("denseMs", cold[0] * 1e3);
        r.put("sparseMs", cold[1] * 1e3);
        r.put("ratio", cold[0] / cold[1]);
        r.put("hotDenseMs", hot[0] * 1e3);
        r.put("hotSparseMs", hot[1] * 1e3);
        r.put("hotRatio", hot[0] / hot[1]);
        r.put("rooflineMs", rooflineSeconds * 1e3);
        r.put("limitRatio", denseBytes / sparseBytes);
        r.put("fractionOfRoofline", rooflineSeconds / cold[1]);
        r.put("denseFractionOfRoofline", denseBytes / bw / cold[0]);
        if (resident != null) {
            double positions8 = (double) c.rows() * c.cols() / 8;
            int t = Parallel.threads();
            r.put("residentRows", RESIDENT_ROWS);
            r.put("residentDenseNsPer8", resident[0]);
            r.put("residentSparseNsPer8", resident[1]);
            r.put("coldDenseNsPer8PerThread", cold[0] * 1e9 * t / positions8);
            r.put("coldSparseNsPer8PerThread", cold[1] * 1e9 * t / positions8);
        }
        if (c.target() != null) {
            r.put("target", c.target().label());
            r.put("goal", c.target().goal());
            r.put("met", cold[0] / cold[1] >= c.target().goal());
        }
        return r;
    }

    /**
     * Best-of-rounds seconds per product for dense and sparse, alternating the two in each round so
     * that load from other processes hits both; rotating over the first {@code nd} / {@code ns}
     * copies.
     */
    private static double[] compare(SparseMatrix[] dense, SparseMatrix[] sparse, int nd, int ns, int m,
                                     float[] x, float[] y, double targetSeconds, int rounds) {
        double bestD = Double.MAX_VALUE;
        double bestS = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            bestD = Math.min(bestD, time(dense, nd, m, x, y, targetSeconds / rounds));
            bestS = Math.min(bestS, time(sparse, ns, m, x, y, targetSeconds / rounds));
        }
        return new double[] {bestD, bestS};
    }

    /** Rows of the cache-resident slice: 64 × 4096 F32 is 1 MiB, sparse slices less (L2 is 1 MiB). */
    static final int RESIDENT_ROWS = 64;

    /**
     * The compute floor of a decode kernel: nanoseconds per 8 weight positions on one core with
     * the matrix resident in cache (the first {@link #RESIDENT_ROWS} rows, small enough to stay
     * on the calling thread), fastest single call of many, for dense and sparse: {dense, sparse}.
     * A memory-bound kernel's cold time per thread is well above this floor; a kernel whose cold
     * time is close to floor + bytes ÷ bandwidth does not overlap its work with the memory stream.
     */
    private double[] resident(float[] slice, Case c) {
        int rows = Math.min(RESIDENT_ROWS, c.rows());
        SparseMatrix s = SparseMatrices.pack(slice, rows, c.cols(), c.spec());
        SparseMatrix d = SparseMatrices.pack(randomDense(rows, c.cols(), Rng.derived(options.seed(), "resident")), rows, c.cols(),
                SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        float[] x = new float[c.cols()];
        Rng.derived(options.seed(), "resident-x").fillUniform(x, -1, 1);
        float[] y = new float[rows];
        double seconds = options.quick() ? 0.15 : 0.3;
        double bestD = Double.MAX_VALUE;
        double bestS = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // alternate, so load from other processes hits both
            bestD = Math.min(bestD, fastestCall(d, x, y, seconds / 6));
            bestS = Math.min(bestS, fastestCall(s, x, y, seconds / 6));
        }
        double per8 = 8.0 / ((double) rows * c.cols());
        return new double[] {bestD * 1e9 * per8, bestS * 1e9 * per8};
    }

    /** Seconds of the fastest single matvec in a run of about {@code seconds}. */
    private static double fastestCall(SparseMatrix m, float[] x, float[] y, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long best = Long.MAX_VALUE;
        int calls = 0;
        while (System.nanoTime() < end || calls < 20) {
            long t0 = System.nanoTime();
            m.matvec(x, y);
            best = Math.min(best, System.nanoTime() - t0);
            calls++;
        }
        return best / 1e9;
    }

    /** Untimed warm-up of a case's sparse product before its rounds. */
    static final double WARMUP_SECONDS = 0.5;

    private static double time(SparseMatrix[] mats, int n, int m, float[] x, float[] y, double seconds) {
        // warm-up: JIT-compile this layout's kernels (≥ 10 calls and ≥ 50 ms) and evict the previous case's data
        long w0 = System.nanoTime();
        for (int i = 0; i < Math.max(n, 10) || System.nanoTime() - w0 < 50_000_000L; i++) {
            product(mats[i % n], m, x, y);
        }
        long t0 = System.nanoTime();
        int reps = 0;
        long deadline = t0 + (long) (seconds * 1e9);
        do {
            product(mats[reps % n], m, x, y);
            reps++;
        } while (System.nanoTime() < deadline || reps < 3);
        return (System.nanoTime() - t0) / 1e9 / reps;
    }

    private static void product(SparseMatrix w, int m, float[] x, float[] y) {
        if (m == 1) {
            w.matvec(x, y);
        } else {
            w.gemmT(m, x, y);
        }
    }

    /** Enough copies of the packed matrix that rotating over them streams more than 3 × L3 from memory. */
    private SparseMatrix[] copies(float[] w, int rows, int cols, SparseSpec spec) {
        SparseMatrix first = SparseMatrices.pack(w, rows, cols, spec);
        int n = (int) Math.max(2, Math.min(64, (3 * l3Bytes + first.bytes() - 1) / first.bytes()));
        SparseMatrix[] out = new SparseMatrix[n];
        out[0] = first;
        for (int i = 1; i < n; i++) {
            out[i] = SparseMatrices.copyOf(first);
        }
        return out;
    }

    private static float[] randomDense(int rows, int cols, Rng rng) {
        float[] w = new float[rows * cols];
        rng.fillUniform(w, -1, 1);
        return w;
    }

    /** Random weights pruned to the case's pattern and sparsity. */
    static float[] pruned(Case c, Rng rng) {
        float[] w = randomDense(c.rows(), c.cols(), rng);
        switch (c.pattern()) {
            case TWO_FOUR -> {
                for (int g = 0; g < w.length / 4; g++) {
                    int a = rng.nextInt(4);
                    int b = (a + 1 + rng.nextInt(3)) % 4; // two distinct positions of four are dropped
                    w[4 * g + a] = 0f;
                    w[4 * g + b] = 0f;
                }
            }
            case UNSTRUCTURED -> {
                for (int i = 0; i < w.length; i++) {
                    if (rng.nextDouble() < c.sparsity()) {
                        w[i] = 0f;
                    }
                }
            }
            case BLOCK8 -> {
                for (int b = 0; b < w.length / 8; b++) {
                    if (rng.nextDouble() < c.sparsity()) {
                        java.util.Arrays.fill(w, 8 * b, 8 * b + 8, 0f);
                    }
                }
            }
        }
        return w;
    }

    /** Streaming read bandwidth (bytes/s) with the configured threads: best of 3 sums of 256 MiB. */
    static double streamingBandwidth() {
        float[] a = new float[64 << 20];
        java.util.Arrays.fill(a, 1f);
        double best = 0;
        float[] sink = new float[Parallel.maxThreads() * 16 + 16];
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            int chunk = 1 << 16;
            Parallel.forRange(a.length / chunk, 1, Long.MAX_VALUE, (c0, c1) -> {
                float s = sum4(a, c0 * chunk, (c1 - c0) * chunk);
                sink[(c0 * 16 / Math.max(1, c1 - c0)) % (sink.length - 1)] += s;
            });
            double sec = (System.nanoTime() - t0) / 1e9;
            if (rep > 0) {
                best = Math.max(best, 4.0 * a.length / sec);
            }
        }
        return best;
    }

    /** Σ a[off … off+n) with four independent vector accumulators (n a multiple of 32). */
    private static float sum4(float[] a, int off, int n) {
        var sp = jdk.incubator.vector.FloatVector.SPECIES_256;
        var s0 = jdk.incubator.vector.FloatVector.zero(sp);
        var s1 = s0;
        var s2 = s0;
        var s3 = s0;
        for (int i = off; i < off + n; i += 32) {
            s0 = s0.add(jdk.incubator.vector.FloatVector.fromArray(sp, a, i));
            s1 = s1.add(jdk.incubator.vector.FloatVector.fromArray(sp, a, i + 8));
            s2 = s2.add(jdk.incubator.vector.FloatVector.fromArray(sp, a, i + 16));
            s3 = s3.add(jdk.incubator.vector.FloatVector.fromArray(sp, a, i + 24));
        }
        return Lanes.sum(s0.add(s1).add(s2.add(s3)));
    }

    /** The 1-minute load average (-1 if unknown): other processes make every timing slower. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The L3 cache size from sysfs (32 MiB if unknown). */
    static long l3CacheBytes() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/cpu0/cache/index3/size")).trim();
            long mult = s.endsWith("K") ? 1024 : s.endsWith("M") ? 1024 * 1024 : 1;
            return Long.parseLong(s.replaceAll("[^0-9]", "")) * mult;
        } catch (IOException | RuntimeException e) {
            return 32L << 20;
        }
    }
}
