package dev.prune4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Times two competing runs fairly: both are warmed up, then repetitions alternate between them
 * (so drift from other load on the machine hits both), and the median of each is kept. Besides
 * wall-clock time it records the calling thread's CPU time, which time slicing by other
 * processes does not inflate: for single-threaded runs (both sides on the calling thread) it is
 * the load-robust comparison on a shared machine.
 *
 * @param warmupSeconds minimum warm-up time per side
 * @param repSeconds    minimum time of one repetition (short calls are repeated inside it)
 * @param reps          repetitions per side (odd, for a clean median)
 */
record Timing(double warmupSeconds, double repSeconds, int reps) {
    Timing {
        if (!(warmupSeconds >= 0) || !(repSeconds > 0) || reps < 1) {
            throw new IllegalArgumentException("timing needs warmup ≥ 0, rep > 0 s and ≥ 1 rep; found "
                    + warmupSeconds + ", " + repSeconds + ", " + reps);
        }
    }

    /** Median seconds per call, wall clock and calling-thread CPU time, of two competing runs. */
    record Result(double oursSeconds, double baselineSeconds, double oursCpuSeconds, double baselineCpuSeconds) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Times {@code ours} against {@code baseline}. */
    Result compare(Runnable ours, Runnable baseline) {
        int innerOurs = calibrate(ours);
        int innerBase = calibrate(baseline);
        double[] a = new double[reps];
        double[] b = new double[reps];
        double[] ac = new double[reps];
        double[] bc = new double[reps];
        for (int r = 0; r < reps; r++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            a[r] = timeOnce(ours, innerOurs);
            long c1 = THREADS.getCurrentThreadCpuTime();
            b[r] = timeOnce(baseline, innerBase);
            long c2 = THREADS.getCurrentThreadCpuTime();
            ac[r] = (c1 - c0) * 1e-9 / innerOurs;
            bc[r] = (c2 - c1) * 1e-9 / innerBase;
        }
        return new Result(median(a), median(b), median(ac), median(bc));
    }

    /** Warms {@code run} up and returns how many calls make one repetition of ≥ repSeconds. */
    private int calibrate(Runnable run) {
        long start = System.nanoTime();
        int calls = 0;
        double perCall;
        do {
            long t0 = System.nanoTime();
            run.run();
            perCall = (System.nanoTime() - t0) * 1e-9;
            calls++;
        } while (calls < 2 || (System.nanoTime() - start) * 1e-9 < warmupSeconds);
        return (int) Math.max(1, Math.min(1_000_000, Math.ceil(repSeconds / Math.max(perCall, 1e-9))));
    }

    private static double timeOnce(Runnable run, int inner) {
        long t0 = System.nanoTime();
        for (int i = 0; i < inner; i++) {
            run.run();
        }
        return (System.nanoTime() - t0) * 1e-9 / inner;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
