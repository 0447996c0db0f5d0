package dev.prune4j.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.kernels.Parallel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the packed format of one layer from its measured pattern and shape: the candidates
 * that fit the pattern (dense F32 always; CSR and bitmask; N:M when every group obeys 2:4 or 4:8;
 * 1×8 blocks when at least 30% of the blocks are empty) are timed on the layer itself in a short
 * calibration benchmark, cold (rotating copies that together exceed twice the L3 cache, as
 * weights are in a real decode step; {@link #calibrate}), and the fastest wins. Timings are cached per CPU, thread
 * count, build of the timed kernels (a CRC32 of their class files), shape, pattern bucket
 * (sparsity in steps of 0.05, and whether the zeros follow 2:4 or 4:8) and candidate in a small JSON file, so the layers of a model that
 * share a shape are measured once and a changed kernel is measured again. Before timing, each
 * candidate runs until the JIT compiler has gone quiet ({@link WarmUp}).
 */
public final class SparseSelector {
    /** The chosen packing and its calibration: speedup = dense time ÷ chosen time (1 for dense). */
    public record Choice(SparseMatrix matrix, double expectedSpeedup, double denseNanos, double chosenNanos) {
    }

    /**
     * Bumped whenever a kernel or the way it is timed changes: older timings are measured again.
     * 4: warm-up until the JIT is quiet, candidates timed together (median of interleaved rounds),
     * keys name the pattern (version 3 timed 2:4 kernels before C2 had compiled them, up to 14×
     * too slow, and let a 2:4 model's bitmask timings stand for an unstructured one's).
     * 5: cold copies exceed twice the L3 whatever its size ({@link #coldCopies}; version 4 capped
     * them at 8 and timed layers hot on a 300 MiB L3).
     */
    private static final int CACHE_VERSION = 5;
    /**
     * With dense allowed, a sparse packing must take at most this fraction of dense's time: a 7%
     * calibration margin turned into 0.83× end to end on the shared 2-core machine (docs/PERFORMANCE.md).
     */
    static final double DENSE_MARGIN = 0.9;
    /**
     * For decode (one input row, memory-bound), a sparse packing must also move at most this
     * fraction of dense's bytes: below a 30% saving the best case is ≈ 1.4× and the measured one
     * ≈ 1×, while calibration noise on a shared machine is ±15–30%, so the packing could only lose
     * (CSR with 16-bit indices at 50% is 0.75 of dense F32; it calibrated 1.2–1.6× faster and
     * decoded 0.47× end to end on 2026-12-07).
     */
    static final double DECODE_BYTES = 0.7;
    /** The kinds (format, value type, matvec or GEMM) calibrated in this JVM: the first of each compiles its kernels first. */
    private static final java.util.Set<String> WARMED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path cacheFile;
    private final ObjectMapper mapper = new ObjectMapper();
    private final long l3Bytes;

    /** Cache in {@code cacheDir/sparse-calibration.json}; null: {@code ~/.cache/prune4j}. */
    public SparseSelector(Path cacheDir) {
        Path dir = cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".cache", "prune4j");
        this.cacheFile = dir.resolve("sparse-calibration.json");
        this.l3Bytes = l3Bytes();
    }

    /**
     * What a choice may pick from.
     *
     * @param denseType    value type of the dense baseline (F32, BF16 or F16): the layer as it is stored
     * @param sparseType   value type of the sparse packings (INT8: prune, then quantize)
     * @param forced       the only sparse format allowed for a layer with zeros, or null for any that fits the pattern
     * @param denseAllowed whether dense may win (false: the fastest sparse packing is used whenever
     *                     the layer has zeros; dense is still timed for the expected speedup)
     * @param m            rows of the products to time: 1 for decode, the token batch for prefill
     */
    public record Options(ValueType denseType, ValueType sparseType, SparseFormat forced, boolean denseAllowed, int m) {
        public Options {
            if (denseType == null || sparseType == null || denseType == ValueType.INT8) {
                throw new IllegalArgumentException("dense type must be F32, BF16 or F16 and sparse type set; found "
                        + denseType + " / " + sparseType);
            }
            if (forced == SparseFormat.DENSE) {
                throw new IllegalArgumentException("forcing dense needs no selector; forced must be a sparse format or null");
            }
            if (m < 1) {
                throw new IllegalArgumentException("m must be at least 1, found " + m);
            }
        }
    }

    /** The format for decode (M = 1) with values of the given type. */
    public Choice choose(float[] w, int rows, int cols, ValueType type) {
        return choose(w, rows, cols, type, 1);
    }

    /** The format for products with m input rows (1: decode matvec; larger: prefill gemmT); dense baseline F32. */
    public Choice choose(float[] w, int rows, int cols, ValueType type, int m) {
        return choose(w, rows, cols, new Options(ValueType.F32, type, null, true, m));
    }

    /** The fastest allowed packing of {@code w: [rows, cols]} for the options. */
    public Choice choose(float[] w, int rows, int cols, Options o) {
        if (w.length != (long) rows * cols) {
            throw new IllegalArgumentException("weights: expected " + (long) rows * cols + " values, found " + w.length);
        }
        PatternStats p = PatternStats.of(w, rows, cols);
        SparseSpec dense = SparseSpec.of(SparseFormat.DENSE, o.denseType());
        List<SparseSpec> candidates = new ArrayList<>();
        candidates.add(dense);
        if (p.sparsity() > 0) { // a layer without zeros stays dense, even with a forced format
            ValueType type = o.sparseType();
            for (SparseFormat f : o.forced() != null ? List.of(o.forced()) : List.of(SparseFormat.values())) {
                switch (f) {
                    case CSR, BITMASK -> candidates.add(SparseSpec.of(f, type));
                    case N_OF_M -> {
                        if (p.fitsTwoFour()) {
                            candidates.add(SparseSpec.nOfM(2, 4, type));
                        } else if (p.fitsFourEight()) {
                            candidates.add(SparseSpec.nOfM(4, 8, type));
                        } else if (o.forced() != null) {
                            throw new IllegalArgumentException(String.format(Locale.ROOT,
                                    "N:M was asked for but the zeros (sparsity %.3f) follow neither 2:4 nor 4:8", p.sparsity()));
                        }
                    }
                    case BLOCK -> {
                        if (p.emptyBlockFraction() >= 0.3 || o.forced() != null) {
                            candidates.add(SparseSpec.of(f, type));
                        }
                    }
                    case DENSE -> {
                        // the baseline, added above
                    }
                }
            }
        }
        if (candidates.size() == 1) { // nothing to compare: dense, not timed
            return new Choice(SparseMatrices.pack(w, rows, cols, dense), 1.0, Double.NaN, Double.NaN);
        }
        boolean denseEligible = o.denseAllowed();
        ObjectNode cache = readCache();
        String[] keys = new String[candidates.size()];
        double[] nanos = new double[candidates.size()];
        boolean cached = true;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = key(candidates.get(i), p, rows, cols, o.m());
            cached &= cache.has(keys[i]);
            nanos[i] = cache.path(keys[i]).asDouble(Double.NaN);
        }
        if (!cached) { // the candidates are timed together, so that their ratios come from the same minutes
            nanos = calibrate(w, rows, cols, candidates, o.m());
            for (int i = 0; i < keys.length; i++) {
                cache.put(keys[i], nanos[i]);
            }
            writeCache(cache);
        }
        double denseNanos = nanos[0];
        if (!denseEligible) { // the fastest sparse packing, whatever dense measured
            int b = 1;
            for (int i = 2; i < nanos.length; i++) {
                b = nanos[i] < nanos[b] ? i : b;
            }
            return new Choice(SparseMatrices.pack(w, rows, cols, candidates.get(b)), denseNanos / nanos[b], denseNanos, nanos[b]);
        }
        // auto: the fastest sparse packing that beats dense by the margin and, for decode, moves at most
        // DECODE_BYTES of dense's bytes; otherwise dense
        Integer[] order = new Integer[nanos.length - 1];
        for (int i = 0; i < order.length; i++) {
            order[i] = i + 1;
        }
        double[] t = nanos;
        java.util.Arrays.sort(order, (i, j) -> Double.compare(t[i], t[j]));
        long denseBytes = (long) rows * cols * o.denseType().bytes();
        for (int i : order) {
            if (nanos[i] > DENSE_MARGIN * denseNanos) {
                break; // not clearly faster: within the timing noise measured on a loaded machine, keep dense
            }
            SparseMatrix packed = SparseMatrices.pack(w, rows, cols, candidates.get(i));
            if (o.m() == 1 && packed.bytes() > DECODE_BYTES * denseBytes) {
                continue;
            }
            return new Choice(packed, denseNanos / nanos[i], denseNanos, nanos[i]);
        }
        SparseSpec best = dense;
        double bestNanos = denseNanos;
        SparseMatrix chosen = SparseMatrices.pack(w, rows, cols, best);
        return new Choice(chosen, denseNanos / bestNanos, denseNanos, bestNanos);
    }

    /** Rounds of the calibration; each candidate's time is its median over them. */
    static final int ROUNDS = 7;
    /** Least time of one candidate in one round. */
    private static final long ROUND_NANOS = 10_000_000L;

    /**
     * Cold nanoseconds per product of the layer packed as each candidate (same order). Each
     * candidate streams through copies of itself that together exceed twice the L3 cache, back to
     * back, as the weights of consecutive layers stream in a decode step. It is warmed up until the
     * JIT is quiet ({@link WarmUp}; the first layer of a kind in this JVM first compiles its kernels
     * on a 64-row slice), and then all candidates are timed in {@link #ROUNDS} interleaved rounds
     * (order reversed every other round) of at least 10 ms each, each round once the JIT's compile
     * queue is empty (at most 2 s of waiting); the median round counts. The calibration before
     * (each candidate alone, after a 20 ms warm-up, best of three rounds of ≥ 2 ms) timed 2:4
     * kernels before C2 had compiled them, up to 14× too slow (docs/PERFORMANCE.md, "Format
     * selection").
     */
    private double[] calibrate(float[] w, int rows, int cols, List<SparseSpec> specs, int m) {
        int n = specs.size();
        SparseMatrix[][] mats = new SparseMatrix[n][];
        float[] x = new float[m * cols];
        java.util.Arrays.fill(x, 0.5f);
        float[] y = new float[m * rows];
        int[] reps = new int[n];
        for (int c = 0; c < n; c++) {
            SparseSpec spec = specs.get(c);
            SparseMatrix first = SparseMatrices.pack(w, rows, cols, spec);
            int copies = coldCopies(first.bytes(), 2 * l3Bytes, freeHeapBytes() / (2L * n));
            SparseMatrix[] ms = new SparseMatrix[copies];
            ms[0] = first;
            for (int i = 1; i < copies; i++) {
                ms[i] = SparseMatrices.copyOf(first);
            }
            mats[c] = ms;
            if (WARMED.add(spec.label() + "|" + spec.valueType() + "|" + (m == 1 ? "matvec" : "gemm"))) {
                // first layer of this kind in this JVM: compile its kernels on a slice of the layer that
                // stays in cache (thousands of calls a second reach C2's thresholds; one call on the whole
                // layer takes ≈ 10 ms interpreted, and C2 then needed > 1 s on 2 cores)
                int sliceRows = Math.min(rows, 64);
                SparseMatrix slice = SparseMatrices.pack(java.util.Arrays.copyOf(w, sliceRows * cols), sliceRows, cols, spec);
                float[] ys = new float[m * sliceRows];
                WarmUp.untilSteady(() -> run(slice, m, x, ys), WarmUp.JVM_COMPILER, 2_000, 300_000_000L, WarmUp.MAX_NANOS);
            }
            int[] turn = {0};
            long[] warm = WarmUp.untilSteady(() -> run(ms[turn[0]++ % ms.length], m, x, y), WarmUp.JVM_COMPILER,
                    20, 20_000_000L, WarmUp.MAX_NANOS);
            double estimate = warm[0] / (double) warm[1];
            reps[c] = (int) Math.max(Math.max(copies, 2), Math.min(10_000, Math.ceil(ROUND_NANOS / Math.max(1.0, estimate))));
        }
        double[][] t = new double[n][ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            WarmUp.awaitIdle(WarmUp.JVM_COMPILER_BUSY, 2_000_000_000L); // a compiling JIT takes one of the cores
            for (int k = 0; k < n; k++) {
                int c = round % 2 == 0 ? k : n - 1 - k;
                SparseMatrix[] ms = mats[c];
                long t0 = System.nanoTime();
                for (int i = 0; i < reps[c]; i++) {
                    run(ms[i % ms.length], m, x, y);
                }
                t[c][round] = (System.nanoTime() - t0) / (double) reps[c];
            }
        }
        double[] median = new double[n];
        for (int c = 0; c < n; c++) {
            java.util.Arrays.sort(t[c]);
            median[c] = t[c][ROUNDS / 2];
        }
        return median;
    }

    /**
     * How many copies of a packed layer of {@code bytes} make its products cold: enough to exceed
     * {@code coldBytes} (twice the L3 cache) together, at most {@code budget} bytes in all (at least
     * one copy) and at most 256. The count was capped at 8 until 2026-12-07: on a Xeon with a
     * 300 MiB L3, 8 copies of a 2048² layer (134 MB) stayed in the cache, and the calibration timed
     * the kernels hot (dense at ≈ 50 GB/s, the sparse kernels bound by their arithmetic).
     */
    static int coldCopies(long bytes, long coldBytes, long budget) {
        long b = Math.max(1, bytes);
        long wanted = (coldBytes + b - 1) / b;
        long affordable = Math.max(1, budget / b);
        return (int) Math.max(1, Math.min(256, Math.min(wanted, affordable)));
    }

    /** Heap bytes not yet in use (maximum heap minus what is allocated and live or not yet collected). */
    private static long freeHeapBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    private static void run(SparseMatrix s, int m, float[] x, float[] y) {
        if (m == 1) {
            s.matvec(x, y);
        } else {
            s.gemmT(m, x, y);
        }
    }

    private String key(SparseSpec spec, PatternStats p, int rows, int cols, int m) {
        String pattern = p.fitsTwoFour() ? "2:4" : p.fitsFourEight() ? "4:8" : "unstructured";
        return String.format(Locale.ROOT, "%s|threads=%d|kernels=%s|%dx%d|m=%d|sparsity=%.2f|pattern=%s|%s|%s", cpu(),
                Parallel.threads(), KERNELS, rows, cols, m, Math.round(p.sparsity() * 20) / 20.0, pattern, spec.label(),
                spec.valueType());
    }

    /** The class files whose code the calibration times: the sparse formats and the dense kernels. */
    private static final String[] TIMED_CLASSES = {
        "sparse/AbstractSparseMatrix", "sparse/BitmaskMatrix", "sparse/BlockMatrix", "sparse/CsrMatrix",
        "sparse/DenseHalfMatrix", "sparse/DenseMatrix", "sparse/NofMMatrix", "sparse/PackedValues", "sparse/SpMM",
        "sparse/Vec8", "kernels/Matvec", "kernels/Gemm", "kernels/VectorKernels"};

    /** CRC32 of {@link #TIMED_CLASSES}: timings cached by another build of the kernels are measured again. */
    private static final String KERNELS = kernelsFingerprint();

    /** The fingerprint of the timed kernels' class files (hex CRC32). */
    static String kernelsFingerprint() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (String name : TIMED_CLASSES) {
            try (java.io.InputStream in = SparseSelector.class.getResourceAsStream("/dev/prune4j/" + name + ".class")) {
                if (in != null) {
                    crc.update(in.readAllBytes());
                }
            } catch (IOException e) {
                // a class file that cannot be read leaves the fingerprint as it is; the key still names the CPU
            }
        }
        return Long.toHexString(crc.getValue());
    }

    private ObjectNode readCache() {
        try {
            if (Files.exists(cacheFile)) {
                JsonNode root = mapper.readTree(cacheFile.toFile());
                if (root.path("version").asInt() == CACHE_VERSION && root.path("timings").isObject()) {
                    return (ObjectNode) root.get("timings");
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable cache is remeasured and rewritten
        }
        return mapper.createObjectNode();
    }

    private void writeCache(ObjectNode timings) {
        try {
            Files.createDirectories(cacheFile.getParent());
            ObjectNode root = mapper.createObjectNode();
            root.put("version", CACHE_VERSION);
            root.put("about", "prune4j sparse format calibration: nanoseconds per product, cold weights");
            root.set("timings", timings);
            Path tmp = Files.createTempFile(cacheFile.getParent(), "sparse-calibration", ".tmp");
            mapper.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
            Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the calibration cache " + cacheFile + ": " + e.getMessage(), e);
        }
    }

    private static String cpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim() + " x" + Runtime.getRuntime().availableProcessors();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch") + " x" + Runtime.getRuntime().availableProcessors();
    }

    private static long l3Bytes() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/cpu0/cache/index3/size")).trim();
            long mult = s.endsWith("K") ? 1024 : s.endsWith("M") ? 1024 * 1024 : 1;
            return Long.parseLong(s.replaceAll("[^0-9]", "")) * mult;
        } catch (IOException | RuntimeException e) {
            return 32L << 20;
        }
    }
}
