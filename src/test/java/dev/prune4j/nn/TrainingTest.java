package dev.prune4j.nn;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingTest {
    static ImageDataset xor() {
        float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
        int[] y = {0, 1, 1, 0};
        return new ImageDataset("xor", x, y, 1, 1, 2, 2);
    }

    @Test
    void mlpLearnsXor() {
        for (long seed = 1; seed <= 3; seed++) {
            Rng rng = new Rng(seed);
            Sequential model = Models.mlp(rng, Activation.TANH, 2, 8, 2);
            Optimizer opt = new Adam(model.parameters(), Adam.Options.defaults());
            ImageDataset data = xor();
            for (int e = 0; e < 400; e++) {
                Trainer.epoch(model, opt, new LrSchedule.Constant(0.05), data, Trainer.Options.of(4), rng);
            }
            assertEquals(1.0, Trainer.accuracy(model, data), "seed " + seed);
        }
    }

    @Test
    void sgdNesterovLearnsXorWithSchedules() {
        Rng rng = new Rng(5);
        Sequential model = Models.mlp(rng, Activation.RELU, 2, 16, 2);
        Optimizer opt = new Sgd(model.parameters(), new Sgd.Options(0.9, true, 1e-4));
        LrSchedule lr = new LrSchedule.WarmUp(20, new LrSchedule.Cosine(0.1, 0.001, 600));
        for (int e = 0; e < 600; e++) {
            Trainer.epoch(model, opt, lr, xor(), Trainer.Options.of(4), rng);
        }
        assertEquals(1.0, Trainer.accuracy(model, xor()));
    }

    @Test
    void schedulesFollowTheirFormulas() {
        LrSchedule step = new LrSchedule.Step(0.1, 0.5, 10);
        assertEquals(0.1, step.lr(9), 1e-12);
        assertEquals(0.05, step.lr(10), 1e-12);
        assertEquals(0.025, step.lr(25), 1e-12);
        LrSchedule cos = new LrSchedule.Cosine(1.0, 0.0, 100);
        assertEquals(1.0, cos.lr(0), 1e-12);
        assertEquals(0.5, cos.lr(50), 1e-12);
        assertEquals(0.0, cos.lr(100), 1e-12);
        assertEquals(0.0, cos.lr(1000), 1e-12);
        LrSchedule warm = new LrSchedule.WarmUp(4, new LrSchedule.Constant(0.8));
        assertEquals(0.2, warm.lr(0), 1e-12);
        assertEquals(0.8, warm.lr(3), 1e-12);
        assertEquals(0.8, warm.lr(4), 1e-12);
    }

    /** SGD and Adam against hand-computed steps of their update formulas. */
    @Test
    void optimizerUpdatesFollowTheirFormulas() {
        Parameter p = Parameter.of(Parameter.Role.WEIGHT, new float[] {1f}, 1);
        Sgd sgd = new Sgd(Map.of("w", p), new Sgd.Options(0.9, true, 0.1));
        p.variable().gradBuffer()[0] = 0.5f;
        sgd.step(0.1); // g = 0.5 + 0.1·1 = 0.6; b = 0.6; step = 0.6 + 0.9·0.6 = 1.14; w = 1 − 0.114
        assertEquals(0.886f, p.value()[0], 1e-6f);
        Parameter q = Parameter.of(Parameter.Role.WEIGHT, new float[] {1f}, 1);
        Adam adamw = new Adam(Map.of("w", q), new Adam.Options(0.9, 0.999, 1e-8, 0.01, Adam.Decay.DECOUPLED));
        q.variable().gradBuffer()[0] = 2f;
        adamw.step(0.1); // w ← w − 0.1·0.01·w = 0.999; m̂ = 2, v̂ = 4 → w −= 0.1·2/2
        assertEquals(0.899f, q.value()[0], 1e-6f);
    }

    @Test
    void checkpointRoundTripsModelMasksAndOptimizer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Rng rng = new Rng(3);
        Sequential model = new Sequential(java.util.List.of(
                new Sequential.Named("conv", Conv2d.init(1, 2, 3, new Conv2dSpec(1, 1), rng)),
                new Sequential.Named("bn", BatchNorm.init(2)),
                new Sequential.Named("flat", new Flatten()),
                new Sequential.Named("fc", Linear.init(2 * 2 * 2, 2, rng))));
        float[] mask = new float[16];
        for (int i = 0; i < 16; i += 2) {
            mask[i] = 1f;
        }
        ((Linear) model.layers().get(3).module()).weight().setMask(mask);
        Optimizer opt = new Adam(model.parameters(), Adam.Options.defaults());
        ImageDataset data = new ImageDataset("tiny", randomArray(rng, 6 * 4), new int[] {0, 1, 0, 1, 1, 0}, 1, 2, 2, 2);
        Trainer.epoch(model, opt, new LrSchedule.Constant(0.01), data, Trainer.Options.of(3), rng);
        Path file = dir.resolve("ck.p4ck");
        Checkpoint.save(file, model, opt, Map.of("seed", "3"));
        Sequential other = model.copy();
        for (Parameter p : other.parameters().values()) {
            p.setMask(null);
            java.util.Arrays.fill(p.value(), 9f);
        }
        Optimizer opt2 = new Adam(other.parameters(), Adam.Options.defaults());
        Map<String, String> meta = Checkpoint.load(file, other, opt2);
        assertEquals("3", meta.get("seed"));
        assertEquals(opt.steps(), opt2.steps());
        model.parameters().forEach((k, p) -> {
            assertArrayEquals(p.value(), other.parameters().get(k).value(), k);
            assertArrayEquals(p.mask(), other.parameters().get(k).mask(), k);
        });
        model.buffers().forEach((k, b) -> assertArrayEquals(b, other.buffers().get(k), k));
        opt.state().forEach((k, s) -> assertArrayEquals(s, opt2.state().get(k), k));
        // continuing both gives the same bytes
        Trainer.epoch(model, opt, new LrSchedule.Constant(0.01), data, Trainer.Options.of(3), new Rng(8));
        Trainer.epoch(other, opt2, new LrSchedule.Constant(0.01), data, Trainer.Options.of(3), new Rng(8));
        model.parameters().forEach((k, p) -> assertArrayEquals(p.value(), other.parameters().get(k).value(), k));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    private static float[] randomArray(Rng rng, int n) {
        float[] a = new float[n];
        rng.fillUniform(a, 0, 1);
        return a;
    }

    /** Training twice with the same seed gives the same bytes. */
    @Test
    void sameSeedSameBytes() {
        float[][] results = new float[2][];
        for (int r = 0; r < 2; r++) {
            Rng rng = new Rng(11);
            Sequential model = Models.mlp(rng, Activation.RELU, 2, 8, 2);
            model = new Sequential(java.util.List.of(new Sequential.Named("m", model), new Sequential.Named("drop", new Dropout(0.2))));
            Optimizer opt = new Sgd(model.parameters(), new Sgd.Options(0.9, false, 0));
            for (int e = 0; e < 20; e++) {
                Trainer.epoch(model, opt, new LrSchedule.Constant(0.05), xor(), Trainer.Options.of(2), rng);
            }
            results[r] = Trainer.logits(model, xor(), 0, 4);
        }
        assertArrayEquals(results[0], results[1]);
        assertTrue(results[0].length == 8);
    }

    /** DropConnect: training uses W ⊙ keep/(1 − p) with a fresh seeded mask; evaluation uses W. */
    @Test
    void dropConnectDropsWeightsWhileTrainingOnly() {
        Rng init = new Rng(12);
        Linear dense = Linear.init(5, 4, init);
        Linear dc = dense.withDropConnect(0.5);
        float[] xv = new float[2 * 5];
        init.fillUniform(xv, -1, 1);
        Variable x = Variable.constant(xv, 2, 5);
        assertArrayEquals(dense.forward(x, Pass.eval()).value(), dc.forward(x, Pass.eval()).value());
        float[] y = dc.forward(x, Pass.train(new Rng(77))).value();
        // the same draws the op makes, in the same order: keep when u ≥ p, scaled by 1/(1 − p)
        Rng r = new Rng(77);
        float[] w = dense.weight().value();
        float[] keep = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            keep[i] = r.nextDouble() >= 0.5 ? 2f : 0f;
        }
        for (int b = 0; b < 2; b++) {
            for (int o = 0; o < 4; o++) {
                double e = dense.bias().value()[o];
                for (int i = 0; i < 5; i++) {
                    e += xv[b * 5 + i] * w[o * 5 + i] * keep[o * 5 + i];
                }
                assertEquals(e, y[b * 4 + o], 1e-5);
            }
        }
    }
}
