package dev.prune4j.prune.train;

/**
 * Static random sparsity from scratch: a random mask at initialisation (per-layer densities
 * uniform or ERK), kept fixed while training — the baseline of sparse training (Evci et al.
 * 2020; Liu et al. 2022, "The Unreasonable Effectiveness of Random Pruning").
 */
public record StaticSparse(double density, Layout layout, int epochs) implements Method {
    public StaticSparse {
        if (!(density > 0 && density <= 1) || epochs < 1) {
            throw new IllegalArgumentException("static sparse needs 0 < density ≤ 1 and epochs ≥ 1");
        }
    }

    @Override
    public void run(Session s) {
        SparseInit.apply(s, density, layout);
        s.train(epochs);
        s.record("static " + layout + " density " + density);
    }

    @Override
    public String describe() {
        return "static random sparse, " + layout + " density " + density + ", " + epochs + " epochs";
    }
}
