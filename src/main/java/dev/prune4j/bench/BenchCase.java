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
 */
public record BenchCase(String op, String shape, int threads, double ours, double baseline, String baselineName,
                        String unit, double ratio, double maxRelError) {
    public BenchCase {
        if (threads < 1 || !(ours >= 0) || !(baseline > 0)) {
            throw new IllegalArgumentException("bad bench case " + op + " " + shape + ": threads=" + threads
                    + " ours=" + ours + " baseline=" + baseline);
        }
    }

    static BenchCase of(String op, String shape, int threads, double ours, double baseline, String baselineName,
                        String unit, double maxRelError) {
        return new BenchCase(op, shape, threads, ours, baseline, baselineName, unit, ours / baseline, maxRelError);
    }
}
