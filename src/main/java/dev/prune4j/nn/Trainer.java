package dev.prune4j.nn;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.tensor.Rng;

/**
 * The training loop, written once: seeded shuffling, mini-batches gathered into one buffer,
 * forward, loss, backward, optimizer step at the scheduled learning rate, then a hook (where
 * pruning schedules act). Inputs reach the model as [batch, channels, height, width].
 */
public final class Trainer {
    private Trainer() {
    }

    /** The training objective for one batch. */
    @FunctionalInterface
    public interface Loss {
        /** logits: [B, classes] of the model on input x: [B, C, H, W] with labels y. */
        Variable of(Variable logits, Variable x, int[] y);

        static Loss crossEntropy() {
            return (logits, x, y) -> F.crossEntropy(logits, y);
        }
    }

    /** Called after every optimizer step with the number of steps taken so far. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(long step);

        StepHook NONE = step -> { };
    }

    /** Called between backward and the optimizer step (gradients available), e.g. for RigL. */
    @FunctionalInterface
    public interface GradHook {
        void beforeStep(long step);

        GradHook NONE = step -> { };
    }

    /** Mean loss and sample count of one epoch. */
    public record EpochStats(double meanLoss, int samples, long steps) {
    }

    /** Batch size and the hooks of one epoch. */
    public record Options(int batchSize, Loss loss, GradHook gradHook, StepHook stepHook) {
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be ≥ 1, found " + batchSize);
            }
            if (loss == null || gradHook == null || stepHook == null) {
                throw new IllegalArgumentException("loss and hooks are required (use GradHook.NONE / StepHook.NONE)");
            }
        }

        public static Options of(int batchSize) {
            return new Options(batchSize, Loss.crossEntropy(), GradHook.NONE, StepHook.NONE);
        }

        public Options withLoss(Loss l) {
            return new Options(batchSize, l, gradHook, stepHook);
        }

        public Options withHooks(GradHook g, StepHook s) {
            return new Options(batchSize, loss, g, s);
        }
    }

    /** One pass over {@code data} in an order drawn from {@code rng}. */
    public static EpochStats epoch(Module model, Optimizer opt, LrSchedule lr, ImageDataset data, Options o, Rng rng) {
        int[] order = rng.permutation(data.size());
        int f = data.features();
        double lossSum = 0;
        for (int from = 0; from < order.length; from += o.batchSize()) {
            int to = Math.min(order.length, from + o.batchSize());
            int b = to - from;
            float[] xb = new float[b * f]; // xb: [b, C, H, W]
            int[] yb = new int[b];
            data.gather(order, from, to, xb, yb);
            Variable x = Variable.constant(xb, b, data.channels(), data.height(), data.width());
            Variable logits = model.forward(x, Pass.train(rng));
            Variable loss = o.loss().of(logits, x, yb);
            loss.backward();
            lossSum += loss.item() * b;
            o.gradHook().beforeStep(opt.steps());
            opt.step(lr.lr(opt.steps()));
            o.stepHook().afterStep(opt.steps());
        }
        return new EpochStats(lossSum / Math.max(1, order.length), order.length, opt.steps());
    }

    /** Logits of the model in evaluation mode for samples [from, to). logits: [to−from, classes]. */
    public static float[] logits(Module model, ImageDataset data, int from, int to) {
        int f = data.features();
        float[] xb = java.util.Arrays.copyOfRange(data.images(), from * f, to * f);
        Variable x = Variable.constant(xb, to - from, data.channels(), data.height(), data.width());
        return model.forward(x, Pass.eval()).value();
    }

    /** Top-1 accuracy in evaluation mode. */
    public static double accuracy(Module model, ImageDataset data) {
        Kernels k = Kernels.get();
        int correct = 0;
        int bs = 1000;
        for (int from = 0; from < data.size(); from += bs) {
            int to = Math.min(data.size(), from + bs);
            float[] z = logits(model, data, from, to);
            int c = z.length / (to - from);
            for (int i = from; i < to; i++) {
                if (k.argmax(c, z, (i - from) * c) == data.labels()[i]) {
                    correct++;
                }
            }
        }
        return (double) correct / Math.max(1, data.size());
    }

    /**
     * Gradients of the mean loss over {@code batches} batches of {@code data} (in a seeded order),
     * accumulated into the parameters' gradient buffers (call {@link Optimizer#zeroGrad()} or
     * zero them before). Used by gradient-based pruning criteria.
     */
    public static void accumulateGradients(Module model, ImageDataset data, int batchSize, int batches, Rng rng) {
        int[] order = rng.permutation(data.size());
        int f = data.features();
        int used = Math.min(batches, (data.size() + batchSize - 1) / batchSize);
        for (int bi = 0; bi < used; bi++) {
            int from = bi * batchSize;
            int to = Math.min(order.length, from + batchSize);
            float[] xb = new float[(to - from) * f];
            int[] yb = new int[to - from];
            data.gather(order, from, to, xb, yb);
            Variable x = Variable.constant(xb, to - from, data.channels(), data.height(), data.width());
            Variable loss = F.scale(F.crossEntropy(model.forward(x, Pass.eval()), yb), 1f / used);
            loss.backward();
        }
    }
}
