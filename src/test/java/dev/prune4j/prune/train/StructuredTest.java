package dev.prune4j.prune.train;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.Adam;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Optimizer;
import dev.prune4j.nn.Pass;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Trainer;
import dev.prune4j.nn.Variable;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Physical removal of neurons and channels gives the masked model's outputs, with fewer parameters. */
class StructuredTest {
    private static float[] eval(Sequential m, ImageDataset d) {
        Variable x = Variable.constant(d.images().clone(), d.size(), d.channels(), d.height(), d.width());
        return m.forward(x, Pass.eval()).value();
    }

    private static void assertClose(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5f * Math.max(1f, Math.abs(a[i])), "output " + i);
        }
    }

    private static void trainBriefly(Sequential m, ImageDataset d, Rng rng) {
        Optimizer opt = new Adam(m.parameters(), Adam.Options.defaults());
        for (int e = 0; e < 3; e++) {
            Trainer.epoch(m, opt, new LrSchedule.Constant(0.01), d, Trainer.Options.of(16), rng); // non-trivial BN running stats
        }
    }

    @Test
    void removingCnnChannelsAndNeuronsMatchesMasking() {
        for (GroupNorm norm : GroupNorm.values()) {
            Rng rng = new Rng(31);
            ImageDataset d = Fixtures.randomImages(rng, 64, 1, 6, 6, 3);
            Sequential model = Fixtures.smallCnn(rng);
            trainBriefly(model, d, rng);
            StructuredRemoval.Plan plan = StructuredRemoval.planFraction(model, norm, 0.5);
            assertEquals(2, plan.keep().get("conv1").length);
            assertEquals(3, plan.keep().get("conv2").length);
            assertEquals(4, plan.keep().get("fc1").length);
            Sequential small = StructuredRemoval.apply(model, plan, 1, 6, 6);
            Sequential masked = model.copy();
            StructuredRemoval.maskInPlace(masked, plan);
            assertClose(eval(masked, d), eval(small, d));
            assertTrue(small.parameterCount() < model.parameterCount() * 0.6, small.parameterCount() + " vs " + model.parameterCount());
            // and the removed groups are the lowest-norm ones
            double[] s = StructuredRemoval.groupScores(model, norm).get("fc1");
            double minKept = Double.MAX_VALUE;
            for (int k : plan.keep().get("fc1")) {
                minKept = Math.min(minKept, s[k]);
            }
            int below = 0;
            for (double v : s) {
                if (v < minKept) {
                    below++;
                }
            }
            assertEquals(4, below, norm.toString());
        }
    }

    @Test
    void removingMlpNeuronsMatchesMasking() {
        Rng rng = new Rng(32);
        ImageDataset d = Fixtures.randomImages(rng, 50, 1, 4, 5, 4);
        Sequential model = Fixtures.mlp(rng, 20, 17, 9, 4);
        trainBriefly(model, d, rng);
        StructuredRemoval.Plan plan = StructuredRemoval.planFraction(model, GroupNorm.L1, 0.4);
        Sequential small = StructuredRemoval.apply(model, plan, 1, 4, 5);
        Sequential masked = model.copy();
        StructuredRemoval.maskInPlace(masked, plan);
        assertClose(eval(masked, d), eval(small, d));
        assertEquals(10, small.weights().get("fc1.weight").shape()[0]);
        assertEquals(10, small.weights().get("fc2.weight").shape()[1]);
    }

    @Test
    void groupLassoZeroesWholeGroupsThatAreThenRemovedWithoutChangingOutputs() {
        Rng rng = new Rng(33);
        ImageDataset d = Fixtures.randomImages(rng, 128, 1, 4, 5, 3);
        for (int i = 0; i < d.size(); i++) { // learnable labels: the largest of the first three inputs
            float[] x = d.images();
            int o = i * 20;
            d.labels()[i] = x[o] > x[o + 1] ? (x[o] > x[o + 2] ? 0 : 2) : (x[o + 1] > x[o + 2] ? 1 : 2);
        }
        Sequential model = Fixtures.mlp(rng, 20, 32, 16, 3);
        Optimizer opt = new Adam(model.parameters(), Adam.Options.defaults());
        LrSchedule lr = new LrSchedule.Constant(0.01);
        Trainer.StepHook prox = step -> GroupLasso.proximal(model, lr.lr(step - 1), 2.0);
        for (int e = 0; e < 30; e++) {
            Trainer.epoch(model, opt, lr, d, Trainer.Options.of(32).withHooks(Trainer.GradHook.NONE, prox), rng);
        }
        double[] norms = StructuredRemoval.groupScores(model, GroupNorm.L2).get("fc1");
        int zero = 0;
        for (double v : norms) {
            if (v == 0) {
                zero++;
            }
        }
        assertTrue(zero >= 8 && zero < 32, "group lasso zeroed only " + zero + " of 32 neurons exactly");
        StructuredRemoval.Plan plan = StructuredRemoval.planThreshold(model, GroupNorm.L2, 0);
        Sequential small = StructuredRemoval.apply(model, plan, 1, 4, 5);
        assertEquals(32 - zero, small.weights().get("fc1.weight").shape()[0]);
        assertClose(eval(model, d), eval(small, d));
    }
}
