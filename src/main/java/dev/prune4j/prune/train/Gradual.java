package dev.prune4j.prune.train;

import dev.prune4j.nn.Trainer;

/**
 * Gradual magnitude pruning during training (Zhu &amp; Gupta 2017): from step t₀ the mask is
 * updated every Δt steps to the cubic schedule's sparsity ({@link SparsitySchedule}); training
 * continues after the last pruning step to recover.
 */
public record Gradual(Criterion criterion, Allocation allocation, double target, int epochs,
                      double startFraction, double endFraction, int pruningSteps) implements Method {
    public Gradual {
        if (!(startFraction >= 0 && startFraction < endFraction && endFraction <= 1) || epochs < 1 || pruningSteps < 1) {
            throw new IllegalArgumentException("gradual pruning needs 0 ≤ start < end ≤ 1 (fractions of training), epochs ≥ 1, pruningSteps ≥ 1");
        }
        if (!(target > 0 && target < 1)) {
            throw new IllegalArgumentException("sparsity must be in (0, 1), found " + target);
        }
    }

    /** The schedule in optimizer steps for a run of {@code totalSteps}. */
    public SparsitySchedule schedule(long totalSteps) {
        long t0 = (long) (startFraction * totalSteps);
        long span = Math.max(pruningSteps, (long) ((endFraction - startFraction) * totalSteps));
        return new SparsitySchedule(0, target, t0, Math.max(1, span / pruningSteps), pruningSteps);
    }

    @Override
    public void run(Session s) {
        SparsitySchedule sched = schedule(epochs * s.stepsPerEpoch());
        long base = s.optimizer().steps();
        Trainer.StepHook hook = step -> {
            long t = step - base;
            if (sched.isPruningStep(t) && sched.at(t) > 0) {
                s.prune(criterion, allocation, sched.at(t));
            }
        };
        s.train(epochs, Trainer.GradHook.NONE, hook);
        s.record("gradual to " + target);
    }

    @Override
    public String describe() {
        return "gradual (cubic) " + criterion + " " + allocation + " to " + target + " over " + epochs + " epochs";
    }
}
