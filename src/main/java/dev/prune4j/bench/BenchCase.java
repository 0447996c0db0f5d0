package dev.prune4j.bench;

/**
 * One measured comparison: our throughput and the baseline's, both medians of interleaved
 * repetitions in the same run, and {@code ratio = ours / baseline}.
 *
 * @param op       what was measured: "gemm", "matvec", "cholesky+inverse"
 * @param shape    the sizes, e.g. "M=16 K=4096 N=11008"
 * @param threads  threads used by both sides
 * @param ours     our throughput in {@code unit}
 * @param baseline the baseline's throughput in {@code unit}
 * @param baselineName what the baseline is ("OpenBLAS sgemm", "stream copy", "LAPACK dpotrf+dpotri")
 * @param unit     "GFLOP/s" or "GB/s"
 * @param ratio    ours / baseline
 * @param maxRelError largest |ours − baseline| / max|baseline| over the result (NaN when not compared)
 * @param cpuRatio  at 1 thread: the same ratio by the calling thread's CPU time instead of wall
 *                  time, which other processes' load does not distort (NaN at more threads, where
 *                  the work runs on other threads too)
 */
public record BenchCase(String op, String shape, int threads, double ours, double baseline, String baselineName,
                        String unit, double ratio, double maxRelError, double cpuRatio) {
    public BenchCase {
        if (threads < 1 || !(ours >= 0) || !(baseline > 0)) {
            throw new IllegalArgumentException("bad bench case " + op + " " + shape + ": threads=" + threads
                    + " ours=" + ours + " baseline=" + baseline);
        }
    }

    /**
     * A case from a timing: {@code work} is the amount done per call of ours (flop or bytes),
     * {@code baselineWork} per call of the baseline, {@code scale} converts work/s into the unit.
     */
    static BenchCase of(String op, String shape, int threads, Timing.Result t, double work, double baselineWork,
                        double scale, String baselineName, String unit, double maxRelError) {
        double ours = work / t.oursSeconds() * scale;
        double base = baselineWork / t.baselineSeconds() * scale;
        double cpuRatio = threads == 1 && t.oursCpuSeconds() > 0 && t.baselineCpuSeconds() > 0
                ? (work / t.oursCpuSeconds()) / (baselineWork / t.baselineCpuSeconds()) : Double.NaN;
        return new BenchCase(op, shape, threads, ours, base, baselineName, unit, ours / base, maxRelError, cpuRatio);
    }
}
