package dev.prune4j.nn;

/** Learning rate as a function of the optimizer step (0-based). */
public sealed interface LrSchedule {
    double lr(long step);

    /** A fixed rate. */
    record Constant(double lr) implements LrSchedule {
        public Constant {
            positive("lr", lr);
        }

        @Override
        public double lr(long step) {
            return lr;
        }
    }

    /** lr·γ^⌊step / every⌋ (step decay). */
    record Step(double lr, double gamma, long every) implements LrSchedule {
        public Step {
            positive("lr", lr);
            positive("gamma", gamma);
            if (every < 1) {
                throw new IllegalArgumentException("step schedule: 'every' must be ≥ 1, found " + every);
            }
        }

        @Override
        public double lr(long step) {
            return lr * Math.pow(gamma, step / every);
        }
    }

    /** Cosine decay from lr to minLr over totalSteps (Loshchilov &amp; Hutter 2017, SGDR without restarts). */
    record Cosine(double lr, double minLr, long totalSteps) implements LrSchedule {
        public Cosine {
            positive("lr", lr);
            if (!(minLr >= 0 && minLr <= lr) || totalSteps < 1) {
                throw new IllegalArgumentException("cosine schedule needs 0 ≤ minLr ≤ lr and totalSteps ≥ 1");
            }
        }

        @Override
        public double lr(long step) {
            double t = Math.min(1.0, (double) step / totalSteps);
            return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * t));
        }
    }

    /** Linear warm-up from lr/steps to the inner schedule's rate over the first {@code steps}, then the inner schedule (shifted). */
    record WarmUp(long steps, LrSchedule then) implements LrSchedule {
        public WarmUp {
            if (steps < 0 || then == null) {
                throw new IllegalArgumentException("warm-up needs steps ≥ 0 and a schedule to follow");
            }
        }

        @Override
        public double lr(long step) {
            if (step < steps) {
                return then.lr(0) * (step + 1) / steps;
            }
            return then.lr(step - steps);
        }
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("learning-rate schedule: " + what + " must be > 0, found " + v);
        }
    }
}
