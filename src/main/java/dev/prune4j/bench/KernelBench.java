package dev.prune4j.bench;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.LinAlg;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.tensor.Rng;
import jdk.incubator.vector.FloatVector;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code prune4j bench kernels}: our GEMM against OpenBLAS SGEMM, our matvec against the memory
 * bandwidth of a streaming copy, our Cholesky + SPD inverse against LAPACK dpotrf + dpotri, all
 * measured in this run, at 1 and 2 threads.
 */
public final class KernelBench {
    /** How much to measure. */
    public enum Mode { QUICK, FULL }

    /** Everything one run measured, with where and when. */
    public record Report(String date, String machine, String jvm, String vectorBits, String openblas, String mode,
                         String kernels, List<BenchCase> cases) {
    }

    private static final long SEED = 20_26_11_23L;
    /** (K, N) of linear layers in LLaMA/BERT-like models: d → 4d, 4d → d, d → d, d → ffn, ffn → d. */
    private static final int[][] LLM_KN = {{768, 3072}, {3072, 768}, {4096, 4096}, {4096, 11008}, {11008, 4096}};

    /** Pause before each timed side: longer than OpenBLAS's busy-wait after a call (≈ 80 ms, see {@link Timing}). */
    private static final double IDLE_SECONDS = 0.15;

    private final Mode mode;
    private final PrintStream progress;
    private final Timing timing;
    private final Kernels kernels = Kernels.get();
    private final List<BenchCase> cases = new ArrayList<>();

    private KernelBench(Mode mode, PrintStream progress) {
        this.mode = mode;
        this.progress = progress;
        this.timing = mode == Mode.QUICK ? new Timing(0.15, 0.04, 3, IDLE_SECONDS) : new Timing(0.4, 0.15, 5, IDLE_SECONDS);
    }

    /** Runs the benchmark; progress lines go to {@code progress}. */
    public static Report run(Mode mode, PrintStream progress) {
        return new KernelBench(mode, progress).runAll();
    }

    private Report runAll() {
        int maxThreads = Parallel.maxThreads();
        int[] threads = maxThreads >= 2 ? new int[]{1, 2} : new int[]{1};
        int[] two = {Math.min(2, maxThreads)};
        int before = Parallel.threads();
        try {
            if (mode == Mode.QUICK) {
                for (int s : new int[]{512, 1024}) {
                    gemm(s, s, s, threads);
                }
                gemm(16, 4096, 4096, threads);
                gemm(128, 4096, 4096, threads);
                gemm(1, 4096, 4096, two);
                matvec(4096, 4096, two);
                cholesky(1024, two);
            } else {
                for (int s : new int[]{512, 1024, 2048, 4096}) {
                    gemm(s, s, s, threads);
                }
                for (int m : new int[]{1, 16, 128, 512}) {
                    for (int[] kn : LLM_KN) {
                        gemm(m, kn[0], kn[1], threads);
                    }
                }
                matvec(4096, 4096, threads);
                matvec(11008, 4096, threads);
                matvec(4096, 11008, threads);
                for (int n : new int[]{1024, 2048, 4096}) {
                    cholesky(n, n <= 2048 ? threads : two);
                }
            }
        } finally {
            Parallel.setThreads(before);
            OpenBlas.threads(before);
        }
        return new Report(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), machine(),
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit", OpenBlas.config(),
                mode.name().toLowerCase(Locale.ROOT), kernels.name(), List.copyOf(cases));
    }

    private void setThreads(int t) {
        Parallel.setThreads(t);
        OpenBlas.threads(t);
    }

    /** Y [m, n] = X [m, k] · Wᵀ (W: [n, k]): our gemmT vs cblas_sgemm(NoTrans, Trans). */
    private void gemm(int m, int k, int n, int[] threads) {
        Rng rng = Rng.derived(SEED, "gemm " + m + " " + k + " " + n);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        float[] c = new float[m * n];
        rng.fillUniform(a, -1, 1);
        rng.fillUniform(b, -1, 1);
        String shape = "M=" + m + " K=" + k + " N=" + n;
        try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b);
             FloatPointer pc = new FloatPointer((long) m * n)) {
            setThreads(threads[threads.length - 1]);
            kernels.gemmT(m, n, k, a, b, c);
            OpenBlas.sgemmNT(m, n, k, pa, pb, pc);
            float[] ref = new float[m * n];
            pc.get(ref);
            double err = maxRelError(c, ref);
            double flop = 2.0 * m * n * k;
            for (int t : threads) {
                setThreads(t);
                progress.printf(Locale.ROOT, "gemm %s threads=%d ...%n", shape, t);
                Timing.Result s = timing.compare(() -> kernels.gemmT(m, n, k, a, b, c),
                        () -> OpenBlas.sgemmNT(m, n, k, pa, pb, pc));
                add(BenchCase.of("gemm", shape, t, s, flop, flop, 1e-9, "OpenBLAS sgemm", "GFLOP/s", err));
            }
        }
    }

    /** y [n] = W [n, k] · x: GB/s of W streamed, vs a streaming copy (STREAM convention: read + write bytes). */
    private void matvec(int n, int k, int[] threads) {
        Rng rng = Rng.derived(SEED, "matvec " + n + " " + k);
        float[] w = new float[n * k];
        float[] x = new float[k];
        float[] y = new float[n];
        rng.fillUniform(w, -1, 1);
        rng.fillUniform(x, -1, 1);
        float[] dst = new float[w.length];
        String shape = "W=[" + n + ", " + k + "] (" + (4L * n * k >> 20) + " MiB)";
        double bytes = 4.0 * n * k;
        for (int t : threads) {
            setThreads(t);
            progress.printf(Locale.ROOT, "matvec %s threads=%d ...%n", shape, t);
            Timing.Result s = timing.compare(() -> kernels.matvec(n, k, w, 0, k, x, 0, y, 0), () -> streamCopy(w, dst));
            add(BenchCase.of("matvec", shape, t, s, bytes, 2 * bytes, 1e-9, "stream copy", "GB/s", Double.NaN));
        }
    }

    /** dst = src, in {@link Parallel#threads()} contiguous chunks. */
    private static void streamCopy(float[] src, float[] dst) {
        int chunk = 1 << 16;
        int chunks = (src.length + chunk - 1) / chunk;
        Parallel.forRange(chunks, 1, Long.MAX_VALUE, (c0, c1) -> {
            int from = c0 * chunk;
            int to = Math.min(src.length, c1 * chunk);
            System.arraycopy(src, from, dst, from, to - from);
        });
    }

    /** LinAlg.spdInverse (Cholesky + inverse) vs LAPACK dpotrf + dpotri, float64, n³ flops in all. */
    private void cholesky(int n, int[] threads) {
        Rng rng = Rng.derived(SEED, "spd " + n);
        double[] spd = spd(n, rng);
        double[] work = new double[n * n];
        String shape = "n=" + n;
        try (DoublePointer pw = new DoublePointer((long) n * n)) {
            setThreads(threads[threads.length - 1]);
            System.arraycopy(spd, 0, work, 0, work.length);
            LinAlg.spdInverse(work, n);
            pw.put(spd);
            int info = OpenBlas.potrfPotri(n, pw);
            if (info != 0) {
                throw new IllegalStateException("LAPACK dpotrf/dpotri failed with info=" + info + " for n=" + n);
            }
            double[] ref = new double[n * n];
            pw.get(ref);
            double err = maxRelErrorLower(work, ref, n);
            double flop = (double) n * n * n;
            for (int t : threads) {
                setThreads(t);
                progress.printf(Locale.ROOT, "cholesky+inverse %s threads=%d ...%n", shape, t);
                Timing.Result s = timing.compare(() -> {
                    System.arraycopy(spd, 0, work, 0, work.length);
                    LinAlg.spdInverse(work, n);
                }, () -> {
                    pw.put(spd);
                    OpenBlas.potrfPotri(n, pw);
                });
                add(BenchCase.of("cholesky+inverse", shape, t, s, flop, flop, 1e-9, "LAPACK dpotrf+dpotri",
                        "GFLOP/s", err));
            }
        }
    }

    /** A well-conditioned SPD matrix G·Gᵀ/n + I. */
    private double[] spd(int n, Rng rng) {
        float[] g = new float[n * n];
        rng.fillUniform(g, -1, 1);
        float[] gg = new float[n * n];
        kernels.gemmT(n, n, n, g, g, gg);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = gg[i * n + j] / n + (i == j ? 1 : 0);
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        }
        return a;
    }

    private void add(BenchCase c) {
        cases.add(c);
        progress.printf(Locale.ROOT, "  ours %.1f %s, %s %.1f, ratio %.3f (by thread CPU time %.3f)%n", c.ours(),
                c.unit(), c.baselineName(), c.baseline(), c.ratio(), c.cpuRatio());
    }

    private static double maxRelError(float[] ours, float[] ref) {
        double max = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return scale == 0 ? max : max / scale;
    }

    private static double maxRelErrorLower(double[] ours, double[] ref, int n) {
        double max = 0;
        double scale = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                max = Math.max(max, Math.abs(ours[i * n + j] - ref[i * n + j]));
                scale = Math.max(scale, Math.abs(ref[i * n + j]));
            }
        }
        return scale == 0 ? max : max / scale;
    }

    private static String machine() {
        String cpu = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep os.arch
        }
        long mem = Runtime.getRuntime().maxMemory() >> 20;
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + ", max heap " + mem + " MiB";
    }
}
