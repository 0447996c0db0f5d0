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
 * <p>Every warm-up and repetition starts after {@code idleSeconds} of sleep. OpenBLAS's worker
 * threads busy-wait for the next call after returning (measured here: ≈ 80 ms at full speed
 * after a 2-thread SGEMM, from their thread CPU time in {@code /proc}); without the pause they
 * spin on the cores while our side's repetition runs right after, and a 2-thread run of ours
 * then measured slower than a 1-thread one. Our pool threads park when idle, so the pause is a
 * no-op for OpenBLAS. Inside a repetition each side runs back to back, in its own steady state.
 *
 * @param warmupSeconds minimum warm-up time per side
 * @param repSeconds    minimum time of one repetition (short calls are repeated inside it)
 * @param reps          repetitions per side (odd, for a clean median)
 * @param idleSeconds   sleep before each side's warm-up and repetition, so that the other side's
 *                      threads are idle
 */
record Timing(double warmupSeconds, double repSeconds, int reps, double idleSeconds) {
    Timing {
        if (!(warmupSeconds >= 0) || !(repSeconds > 0) || reps < 1 || !(idleSeconds >= 0)) {
            throw new IllegalArgumentException("timing needs warmup ≥ 0, rep > 0 s, ≥ 1 rep and idle ≥ 0 s; found "
                    + warmupSeconds + ", " + repSeconds + ", " + reps + ", " + idleSeconds);
        }
    }

    /** Median seconds per call, wall clock and calling-thread CPU time, of two competing runs. */
    record Result(double oursSeconds, double baselineSeconds, double oursCpuSeconds, double baselineCpuSeconds) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Times {@code ours} against {@code baseline}. */
    Result compare(Runnable ours, Runnable baseline) {
        idle();
        int innerOurs = calibrate(ours);
        idle();
        int innerBase = calibrate(baseline);
        double[] a = new double[reps];
        double[] b = new double[reps];
        double[] ac = new double[reps];
        double[] bc = new double[reps];
        for (int r = 0; r < reps; r++) {
            idle();
            long c0 = THREADS.getCurrentThreadCpuTime();
            a[r] = timeOnce(ours, innerOurs);
            long c1 = THREADS.getCurrentThreadCpuTime();
            idle();
            long c2 = THREADS.getCurrentThreadCpuTime();
            b[r] = timeOnce(baseline, innerBase);
            long c3 = THREADS.getCurrentThreadCpuTime();
            ac[r] = (c1 - c0) * 1e-9 / innerOurs;
            bc[r] = (c3 - c2) * 1e-9 / innerBase;
        }
        return new Result(median(a), median(b), median(ac), median(bc));
    }

    /** Sleeps {@code idleSeconds}, so that threads left spinning by the previous run go idle. */
    private void idle() {
        if (idleSeconds == 0) {
            return;
        }
        try {
            Thread.sleep((long) (idleSeconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while idling between timed runs", e);
        }
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
