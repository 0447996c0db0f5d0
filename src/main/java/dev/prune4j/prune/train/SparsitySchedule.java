package dev.prune4j.prune.train;

/**
 * Gradual pruning's schedule (Zhu &amp; Gupta 2017, "To prune, or not to prune", eq. 1):
 * s_t = s_f + (s_i − s_f)·(1 − (t − t₀)/(n·Δt))³ for t ∈ {t₀, t₀+Δt, …, t₀+n·Δt}; before t₀ it is
 * s_i, after the last pruning step s_f. Pruning happens at the steps where {@link #isPruningStep}.
 */
public record SparsitySchedule(double initial, double target, long start, long every, int count) {
    public SparsitySchedule {
        if (!(initial >= 0 && initial <= target && target < 1)) {
            throw new IllegalArgumentException("cubic schedule needs 0 ≤ initial ≤ target < 1, found " + initial + ", " + target);
        }
        if (start < 0 || every < 1 || count < 1) {
            throw new IllegalArgumentException("cubic schedule needs start ≥ 0, every ≥ 1, count ≥ 1");
        }
    }

    public double at(long t) {
        if (t < start) {
            return initial;
        }
        long k = Math.min(count, (t - start) / every);
        double frac = 1.0 - (double) k / count;
        return target + (initial - target) * frac * frac * frac;
    }

    public boolean isPruningStep(long t) {
        return t >= start && (t - start) % every == 0 && (t - start) / every <= count;
    }

    /** Step of the last pruning. */
    public long end() {
        return start + (long) count * every;
    }
}
