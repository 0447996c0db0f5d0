package dev.prune4j.prune.train;

import dev.prune4j.nn.F;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Variable;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The methods end to end on a Fashion-MNIST subset (6000 train / 2000 test, MLP 784-64-32-10). */
class MethodsTest {
    private static long prunable(Session s) {
        return s.weights().values().stream().mapToLong(Parameter::size).sum();
    }

    @Test
    void oneShotFineTuningRecoversAccuracy() {
        Session s = Fixtures.fmnistSession(1);
        new OneShot(new Criterion.Magnitude(), Allocation.GLOBAL, 0.95, 2, 1).run(s);
        List<Round> r = s.rounds();
        assertEquals(List.of("dense", "pruned", "fine-tuned"), r.stream().map(Round::label).toList());
        assertTrue(r.get(0).accuracy() > 0.75, "dense " + r.get(0).accuracy());
        assertTrue(r.get(1).accuracy() < r.get(0).accuracy(), "95% without fine-tuning loses accuracy");
        assertTrue(r.get(2).accuracy() > r.get(1).accuracy() + 0.02, "fine-tuning recovers: " + r);
        long n = prunable(s);
        assertEquals(Math.round(0.95 * n) / (double) n, r.get(2).sparsity(), 1e-12, "fine-tuning keeps the mask");
    }

    @Test
    void iterativePruningFollowsItsSparsityScheduleAndRewindsToInit() {
        Session s = Fixtures.fmnistSession(2);
        Session.Snapshot init = s.snapshot();
        new Iterative(new Criterion.Magnitude(), Allocation.LAYER, 0.5, 3, 1, Rewind.WEIGHTS_TO_INIT, 0).run(s);
        List<Round> r = s.rounds();
        assertEquals(4, r.size());
        for (int i = 1; i <= 3; i++) {
            assertEquals(1 - Math.pow(0.5, i), r.get(i).sparsity(), 0.002, "round " + i);
        }
        assertTrue(r.get(3).accuracy() > 0.55, "IMP at 87.5% after 1 epoch from the rewound init: " + r.get(3).accuracy());
        // rewinding again puts every surviving weight back at its initial value
        s.rewind(init, false);
        s.weights().forEach((k, p) -> {
            float[] w0 = init.model().weights().get(k).value();
            for (int i = 0; i < w0.length; i++) {
                assertEquals(p.mask()[i] == 1f ? w0[i] : 0f, p.value()[i], k);
            }
        });
    }

    @Test
    void rewindingToStepKRestoresWeightsAndOptimizer() {
        Session s = Fixtures.fmnistSession(3);
        new Iterative(new Criterion.Magnitude(), Allocation.GLOBAL, 0.6, 1, 1, Rewind.WEIGHTS_TO_STEP, 20).run(s);
        assertEquals(2, s.rounds().size());
        // after rewinding to step 20 the second round trained one epoch more
        assertEquals(20 + s.stepsPerEpoch(), s.rounds().get(1).steps());
        assertTrue(s.rounds().get(1).accuracy() > 0.7, s.rounds().toString());
    }

    @Test
    void gradualPruningReachesItsTarget() {
        Session s = Fixtures.fmnistSession(4);
        new Gradual(new Criterion.Magnitude(), Allocation.LAYER, 0.9, 3, 0.1, 0.7, 10).run(s);
        long n = prunable(s);
        assertEquals(0.9, s.rounds().getFirst().sparsity(), 0.002);
        assertTrue(s.rounds().getFirst().accuracy() > 0.6, s.rounds().toString());
        assertTrue(n > 0);
    }

    @Test
    void gradientCriteriaPrune() {
        for (Criterion c : List.of(new Criterion.GradientMagnitude(), new Criterion.Taylor(), new Criterion.Hybrid(0.5))) {
            Session s = Fixtures.fmnistSession(5);
            new OneShot(c, Allocation.LAYER, 0.5, 1, 0).run(s);
            List<Round> r = s.rounds();
            assertEquals(0.5, r.get(1).sparsity(), 0.002, c.toString());
            assertTrue(r.get(1).accuracy() > 0.25, c + " well above chance (0.1): " + r);
        }
    }

    @Test
    void sparseTrainingFromScratchKeepsItsDensity() {
        List<Method> methods = List.of(new StaticSparse(0.1, Layout.ERK, 2),
                new SparseEvolutionary(0.1, Layout.ERK, 0.3, 2),
                new RigL(0.1, Layout.ERK, 0.3, 20, 0.75, 2));
        for (Method m : methods) {
            Session s = Fixtures.fmnistSession(6);
            m.run(s);
            Round r = s.rounds().getFirst();
            long pruned = s.weights().values().stream().mapToLong(Parameter::pruned).sum();
            assertEquals(0.9, pruned / (double) prunable(s), 0.002, m.describe() + ": the masks keep their density");
            // weights can also be zero while active (grown at zero on always-blank border pixels): counted, never fewer
            assertTrue(r.sparsity() >= pruned / (double) prunable(s), m.describe());
            assertTrue(r.accuracy() > 0.6, m.describe() + ": " + r.accuracy());
        }
    }

    @Test
    void rigLChangesTheMaskAndStaticDoesNot() {
        Session a = Fixtures.fmnistSession(7);
        Session b = Fixtures.fmnistSession(7);
        new StaticSparse(0.2, Layout.ERK, 1).run(a);
        new RigL(0.2, Layout.ERK, 0.3, 10, 1.0, 1).run(b);
        // same seed → same initial mask; RigL moved some of it
        float[] ma = a.weights().get("fc1.weight").mask();
        float[] mb = b.weights().get("fc1.weight").mask();
        int differ = 0;
        for (int i = 0; i < ma.length; i++) {
            if (ma[i] != mb[i]) {
                differ++;
            }
        }
        assertTrue(differ > 100, "RigL changed " + differ + " mask entries");
    }

    @Test
    void distillationLossIsTheWeightedSumOfItsTerms() {
        Rng rng = new Rng(8);
        Sequential teacher = Fixtures.mlp(rng, 6, 5, 4);
        float[] x = new float[3 * 6];
        rng.fillUniform(x, -1, 1);
        float[] z = new float[12];
        rng.fillUniform(z, -2, 2);
        int[] y = {1, 3, 0};
        Variable xs = Variable.constant(x, 3, 1, 2, 3);
        Variable logits = Variable.leaf(z, 3, 4);
        double alpha = 0.3;
        double t = 4;
        float got = new Distillation(teacher, alpha, t).of(logits, xs, y).item();
        float[] tl = teacher.forward(xs, dev.prune4j.nn.Pass.eval()).value();
        double ce = 0;
        double kl = 0;
        for (int r = 0; r < 3; r++) {
            double[] ps = softmax(z, r * 4, 1);
            ce -= Math.log(ps[y[r]]);
            double[] pst = softmax(z, r * 4, t);
            double[] ptt = softmax(tl, r * 4, t);
            for (int j = 0; j < 4; j++) {
                kl += ptt[j] * Math.log(ptt[j] / pst[j]);
            }
        }
        double expected = alpha * ce / 3 + (1 - alpha) * t * t * kl / 3;
        assertEquals(expected, got, 1e-5);
        F.sum(logits).backward(); // the student is differentiable through the loss path too
    }

    private static double[] softmax(float[] z, int o, double t) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < 4; j++) {
            mx = Math.max(mx, z[o + j] / t);
        }
        double[] p = new double[4];
        double s = 0;
        for (int j = 0; j < 4; j++) {
            p[j] = Math.exp(z[o + j] / t - mx);
            s += p[j];
        }
        for (int j = 0; j < 4; j++) {
            p[j] /= s;
        }
        return p;
    }

    @Test
    void distilledFineTuningRuns() {
        Session s = Fixtures.fmnistSession(9);
        s.train(2);
        Sequential teacher = s.model().copy();
        s.setLoss(new Distillation(teacher, 0.5, 4));
        new OneShot(new Criterion.Magnitude(), Allocation.GLOBAL, 0.9, 0, 1).run(s);
        assertTrue(s.rounds().getLast().accuracy() > 0.75, s.rounds().toString());
    }

    @Test
    void sensitivityCurvesStartAtTheDenseAccuracy() {
        Session s = Fixtures.fmnistSession(10);
        s.train(1);
        double dense = dev.prune4j.nn.Trainer.accuracy(s.model(), s.testData());
        double[] sweep = {0.0, 0.5, 0.9, 0.99};
        Map<String, double[]> curves = Sensitivity.curves(s.model(), s.testData(), sweep);
        assertEquals(3, curves.size());
        curves.forEach((k, acc) -> {
            assertEquals(dense, acc[0], 1e-12, k);
            assertTrue(acc[3] < dense, k + " at 99%");
        });
        assertEquals(0.0, Masks.sparsity(s.weights()), "the analysed model is not changed");
        Map<String, Double> budgets = Sensitivity.budgets(curves, sweep, dense, 0.01);
        curves.forEach((k, acc) -> {
            double b = budgets.get(k);
            int i = java.util.Arrays.binarySearch(sweep, b);
            assertTrue(dense - acc[i] <= 0.01);
        });
        assertArrayEquals(new double[] {0.0, 0.5, 0.9, 0.99}, sweep);
    }

    @Test
    void structuredMethodShrinksTheModel() {
        Session s = Fixtures.fmnistSession(11);
        long before = s.model().parameterCount();
        new Structured(GroupNorm.L2, 0.5, 1, 1).run(s);
        Round last = s.rounds().getLast();
        assertTrue(last.parameters() < before * 0.55, last.parameters() + " of " + before);
        assertTrue(last.accuracy() > 0.75, s.rounds().toString());
    }

    @Test
    void groupLassoMethodRemovesNeuronsAndRecovers() {
        Session s = Fixtures.fmnistSession(12);
        long before = s.model().parameterCount();
        new GroupLasso(2.0, 2, 1e-6, 1).run(s);
        List<Round> r = s.rounds();
        assertEquals(3, r.size());
        assertEquals(r.get(0).accuracy(), r.get(1).accuracy(), 0.002, "removing zero groups changes nothing");
        assertTrue(r.get(1).parameters() < before, r.toString());
        assertTrue(r.get(2).accuracy() > 0.6, r.toString());
    }
}
