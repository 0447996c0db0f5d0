package dev.prune4j.bench;

import java.util.Arrays;

/**
 * Times two competing runs fairly: both are warmed up, then repetitions alternate between them
 * (so drift from other load on the machine hits both), and the median of each is kept.
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

    /** Median seconds per call of {@code ours} and {@code baseline}: {@code [ours, baseline]}. */
    double[] compare(Runnable ours, Runnable baseline) {
        int innerOurs = calibrate(ours);
        int innerBase = calibrate(baseline);
        double[] a = new double[reps];
        double[] b = new double[reps];
        for (int r = 0; r < reps; r++) {
            a[r] = timeOnce(ours, innerOurs);
            b[r] = timeOnce(baseline, innerBase);
        }
        return new double[]{median(a), median(b)};
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
