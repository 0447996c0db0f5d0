package dev.prune4j.prune.train;

import dev.prune4j.nn.Trainer;

/**
 * Iterative magnitude pruning (Han et al. 2015; Frankle &amp; Carbin 2019): train, remove a
 * fraction {@code rate} of the remaining weights, rewind (see {@link Rewind}), retrain; after
 * round r the sparsity is 1 − (1 − rate)^r.
 */
public record Iterative(Criterion criterion, Allocation allocation, double rate, int rounds, int epochsPerRound,
                        Rewind rewind, long rewindStep) implements Method {
    public Iterative {
        if (!(rate > 0 && rate < 1) || rounds < 1 || epochsPerRound < 1 || rewindStep < 0) {
            throw new IllegalArgumentException("iterative pruning needs 0 < rate < 1, rounds ≥ 1, epochsPerRound ≥ 1, rewindStep ≥ 0");
        }
    }

    @Override
    public void run(Session s) {
        Session.Snapshot[] point = {rewind == Rewind.WEIGHTS_TO_INIT ? s.snapshot() : null};
        Trainer.StepHook capture = rewind == Rewind.WEIGHTS_TO_STEP
                ? step -> {
                    if (step == rewindStep) {
                        point[0] = s.snapshot();
                    }
                }
                : Trainer.StepHook.NONE;
        if (rewind == Rewind.WEIGHTS_TO_STEP && rewindStep == 0) {
            point[0] = s.snapshot();
        }
        s.train(epochsPerRound, Trainer.GradHook.NONE, capture);
        s.record("round 0 (dense)");
        if (rewind == Rewind.WEIGHTS_TO_STEP && point[0] == null) {
            throw new IllegalArgumentException("rewind step " + rewindStep + " is beyond the first round's " + s.optimizer().steps() + " steps");
        }
        for (int r = 1; r <= rounds; r++) {
            s.prune(criterion, allocation, 1 - Math.pow(1 - rate, r));
            switch (rewind) {
                case WEIGHTS_TO_INIT -> s.rewind(point[0], false);
                case WEIGHTS_TO_STEP -> s.rewind(point[0], true);
                case LEARNING_RATE -> s.resetOptimizer();
            }
            s.train(epochsPerRound);
            s.record("round " + r);
        }
    }

    @Override
    public String describe() {
        return "iterative " + criterion + " " + allocation + " rate " + rate + " × " + rounds + " rounds, rewind " + rewind;
    }
}
