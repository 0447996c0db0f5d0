package dev.prune4j.prune.train;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.Adam;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Optimizer;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Sgd;
import dev.prune4j.nn.Trainer;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Masks that stay: pruned weights are exactly zero after every step, whatever the optimizer state. */
class MaskInvariantTest {
    private static final List<Function<Map<String, Parameter>, Optimizer>> OPTIMIZERS = List.of(
            p -> new Sgd(p, new Sgd.Options(0.9, true, 5e-4)),
            p -> new Sgd(p, new Sgd.Options(0.9, false, 0)),
            p -> new Adam(p, new Adam.Options(0.9, 0.999, 1e-8, 1e-4, Adam.Decay.L2)),
            p -> new Adam(p, new Adam.Options(0.9, 0.999, 1e-8, 1e-2, Adam.Decay.DECOUPLED)));

    @Test
    void prunedWeightsStayExactlyZeroForEveryOptimizer() {
        for (Function<Map<String, Parameter>, Optimizer> make : OPTIMIZERS) {
            Rng rng = new Rng(21);
            ImageDataset data = Fixtures.randomImages(rng, 256, 1, 6, 6, 3);
            Sequential model = Fixtures.smallCnn(rng);
            Optimizer opt = make.apply(model.parameters());
            LrSchedule lr = new LrSchedule.Constant(0.01);
            // train dense first so that momentum / moments are non-zero everywhere
            Trainer.epoch(model, opt, lr, data, Trainer.Options.of(32), rng);
            Map<String, Parameter> w = model.weights();
            Map<String, float[]> masks = Masks.select(w, scores(w), Allocation.GLOBAL, 0.7);
            masks.forEach((k, m) -> w.get(k).setMask(m));
            int[] checks = {0};
            Trainer.StepHook check = step -> {
                w.forEach((k, p) -> {
                    assertEquals(p.pruned(), countZerosAtMask(p.value(), p.mask()), k + " at step " + step + " (" + opt.describe() + ")");
                    for (Map.Entry<String, float[]> s : opt.state().entrySet()) {
                        if (s.getKey().startsWith(k + "/")) {
                            assertEquals(p.pruned(), countZerosAtMask(s.getValue(), p.mask()), s.getKey() + " state revived");
                        }
                    }
                });
                checks[0]++;
            };
            for (int e = 0; e < 10; e++) {
                Trainer.epoch(model, opt, lr, data, Trainer.Options.of(32).withHooks(Trainer.GradHook.NONE, check), rng);
            }
            assertEquals(80, checks[0]);
            long total = w.values().stream().mapToLong(Parameter::size).sum();
            assertEquals(Math.round(0.7 * total) / (double) total, Masks.sparsity(w), 1e-12, opt.describe());
        }
    }

    /** Control: zeroing weights without a mask does not keep them zero (the invariant is not vacuous). */
    @Test
    void withoutAMaskMomentumRevivesZeroedWeights() {
        Rng rng = new Rng(22);
        ImageDataset data = Fixtures.randomImages(rng, 256, 1, 6, 6, 3);
        Sequential model = Fixtures.smallCnn(rng);
        Optimizer opt = new Sgd(model.parameters(), new Sgd.Options(0.9, false, 0));
        Trainer.epoch(model, opt, new LrSchedule.Constant(0.01), data, Trainer.Options.of(32), rng);
        Parameter fc1 = model.weights().get("fc1.weight");
        java.util.Arrays.fill(fc1.value(), 0, fc1.size() / 2, 0f);
        Trainer.epoch(model, opt, new LrSchedule.Constant(0.01), data, Trainer.Options.of(32), rng);
        assertTrue(fc1.zeros() < fc1.size() / 4, "zeroed weights were revived: " + fc1.zeros() + " zeros left");
    }

    private static Map<String, float[]> scores(Map<String, Parameter> w) {
        Map<String, float[]> s = new java.util.LinkedHashMap<>();
        w.forEach((k, p) -> s.put(k, new Criterion.Magnitude().scores(p)));
        return s;
    }

    private static int countZerosAtMask(float[] values, float[] mask) {
        int z = 0;
        for (int i = 0; i < values.length; i++) {
            if (mask[i] == 0f && values[i] == 0f) {
                z++;
            }
        }
        return z;
    }
}
