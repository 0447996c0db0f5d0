import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * Times our float32 GEMM (C = A·Wᵀ) round by round in one JVM, by the calling thread's CPU time
 * (time slicing by other processes does not inflate it), and prints every round, the best and
 * the median in GFLOP/s. Shows whether the speed changes within a JVM (JIT or GC events can be
 * ruled out with -XX:+PrintCompilation and -Xlog:gc).
 *
 * <pre>
 * javac --add-modules jdk.incubator.vector -cp target/prune4j.jar -d /tmp/probes bench/probes/GemmRounds.java
 * java --add-modules jdk.incubator.vector -cp target/prune4j.jar:/tmp/probes GemmRounds 1024 1024 1024 30 1
 * </pre>
 * Arguments: M N K rounds threads (each round is 3 calls).
 */
public final class GemmRounds {
    public static void main(String[] args) {
        int m = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        float[] a = new float[m * k];
        float[] w = new float[n * k];
        float[] c = new float[m * n];
        Random rng = new Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextFloat();
        }
        Kernels kernels = Kernels.get();
        Parallel.setThreads(threads);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        double[] rates = new double[rounds];
        StringBuilder line = new StringBuilder();
        for (int r = 0; r < rounds; r++) {
            int calls = 3;
            long t0 = threads == 1 ? bean.getCurrentThreadCpuTime() : System.nanoTime();
            for (int i = 0; i < calls; i++) {
                kernels.gemmT(m, n, k, a, 0, k, w, 0, k, 0f, c, 0, n);
            }
            long t1 = threads == 1 ? bean.getCurrentThreadCpuTime() : System.nanoTime();
            rates[r] = 2.0 * m * n * k * calls / ((t1 - t0) * 1e-9) / 1e9;
            line.append(String.format("%.0f ", rates[r]));
        }
        System.out.println(line);
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        System.out.printf("M=%d N=%d K=%d threads=%d: best %.1f, median %.1f GFLOP/s (%s)%n", m, n, k, threads,
                sorted[rounds - 1], sorted[rounds / 2], threads == 1 ? "thread CPU time" : "wall clock");
    }
}
