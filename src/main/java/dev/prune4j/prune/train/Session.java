package dev.prune4j.prune.train;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Optimizer;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Trainer;
import dev.prune4j.tensor.Rng;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one driver all training-time pruning methods run on: it owns the model, the optimizer,
 * the data, the seeded random stream and the measurements, and offers the steps methods are
 * made of — train for some epochs (with hooks), score and prune, rewind, record. A method is
 * then a few lines that read like its paper's algorithm.
 */
public final class Session {
    /** Batch size, learning-rate schedule (restarted when the optimizer is reset), seed, batches for gradient scores. */
    public record Options(int batchSize, LrSchedule lr, long seed, int gradientBatches) {
        public Options {
            if (batchSize < 1 || gradientBatches < 1 || lr == null) {
                throw new IllegalArgumentException("session needs batchSize ≥ 1, gradientBatches ≥ 1 and a learning-rate schedule");
            }
        }
    }

    private Sequential model;
    private Optimizer optimizer;
    private final Function<Map<String, Parameter>, Optimizer> optimizerFactory;
    private final ImageDataset train;
    private final ImageDataset test;
    private final Options options;
    private final Rng rng;
    private Trainer.Loss loss = Trainer.Loss.crossEntropy();
    private final List<Round> rounds = new ArrayList<>();
    private final Consumer<String> progress;

    public Session(Sequential model, Function<Map<String, Parameter>, Optimizer> optimizerFactory,
                   ImageDataset train, ImageDataset test, Options options, Consumer<String> progress) {
        this.model = model;
        this.optimizerFactory = optimizerFactory;
        this.optimizer = optimizerFactory.apply(model.parameters());
        this.train = train;
        this.test = test;
        this.options = options;
        this.rng = Rng.derived(options.seed(), "session");
        this.progress = progress == null ? s -> { } : progress;
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Rng rng() {
        return rng;
    }

    public ImageDataset trainData() {
        return train;
    }

    public ImageDataset testData() {
        return test;
    }

    public List<Round> rounds() {
        return List.copyOf(rounds);
    }

    /** The training objective (cross-entropy unless a method sets distillation). */
    public void setLoss(Trainer.Loss l) {
        this.loss = l;
    }

    /** The prunable weights (role WEIGHT) by name. */
    public Map<String, Parameter> weights() {
        return model.weights();
    }

    /** The learning rate of the session's schedule at optimizer step {@code step} (0-based). */
    public double learningRate(long step) {
        return options.lr().lr(step);
    }

    public long stepsPerEpoch() {
        return (train.size() + options.batchSize() - 1) / options.batchSize();
    }

    /** Trains {@code epochs} epochs at the session's schedule, calling the hooks. */
    public void train(int epochs, Trainer.GradHook gradHook, Trainer.StepHook stepHook) {
        Trainer.Options o = new Trainer.Options(options.batchSize(), loss, gradHook, stepHook);
        for (int e = 0; e < epochs; e++) {
            long t0 = System.nanoTime();
            Trainer.EpochStats st = Trainer.epoch(model, optimizer, options.lr(), train, o, rng);
            progress.accept(String.format("epoch %d/%d: loss %.4f, step %d, sparsity %.3f, %.1f s", e + 1, epochs,
                    st.meanLoss(), st.steps(), Masks.sparsity(weights()), (System.nanoTime() - t0) / 1e9));
        }
    }

    public void train(int epochs) {
        train(epochs, Trainer.GradHook.NONE, Trainer.StepHook.NONE);
    }

    /** Scores every prunable weight with {@code c} (accumulating gradients first if it needs them). */
    public Map<String, float[]> scores(Criterion c) {
        if (c.needsGradients()) {
            optimizer.zeroGrad();
            Trainer.accumulateGradients(model, train, options.batchSize(), options.gradientBatches(), rng);
        }
        Map<String, float[]> s = new LinkedHashMap<>();
        weights().forEach((k, p) -> s.put(k, c.scores(p)));
        if (c.needsGradients()) {
            optimizer.zeroGrad();
        }
        return s;
    }

    /** Prunes to {@code sparsity} overall (already-pruned weights stay pruned). */
    public void prune(Criterion c, Allocation a, double sparsity) {
        applyMasks(Masks.select(weights(), scores(c), a, sparsity));
    }

    public void applyMasks(Map<String, float[]> masks) {
        Map<String, Parameter> w = weights();
        masks.forEach((k, m) -> {
            Parameter p = w.get(k);
            if (p == null) {
                throw new IllegalArgumentException("no prunable weight named '" + k + "'");
            }
            p.setMask(m);
        });
    }

    /** A fresh optimizer state: zero momentum/moments and the schedule from step 0 (learning-rate rewinding). */
    public void resetOptimizer() {
        optimizer.reset();
    }

    /** A copy of the model's values, masks and buffers, and of the optimizer's state and step. */
    public Snapshot snapshot() {
        Map<String, float[]> st = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> st.put(k, v.clone()));
        return new Snapshot(model.copy(), st, optimizer.steps());
    }

    /** Saved weights and optimizer state to rewind to. */
    public record Snapshot(Sequential model, Map<String, float[]> optimizerState, long steps) {
    }

    /**
     * Rewinds weights (and buffers) to {@code s} while keeping the current masks (Frankle &amp;
     * Carbin 2019); with {@code withOptimizer} the optimizer state and step are rewound too
     * (Frankle et al. 2020, rewinding to iteration k), else the optimizer is reset.
     */
    public void rewind(Snapshot s, boolean withOptimizer) {
        Map<String, float[]> masks = new LinkedHashMap<>();
        model.parameters().forEach((k, p) -> masks.put(k, p.mask()));
        model.loadFrom(s.model());
        model.parameters().forEach((k, p) -> p.setMask(masks.get(k)));
        if (withOptimizer) {
            Map<String, float[]> live = optimizer.state();
            s.optimizerState().forEach((k, v) -> System.arraycopy(v, 0, live.get(k), 0, v.length));
            optimizer.setSteps(s.steps());
            model.parameters().forEach((k, p) -> live.forEach((name, arr) -> {
                if (name.startsWith(k + "/")) {
                    p.applyMask(arr);
                }
            }));
        } else {
            optimizer.reset();
        }
    }

    /** Replaces the model (after structured removal) and starts a fresh optimizer for it. */
    public void replaceModel(Sequential m) {
        this.model = m;
        this.optimizer = optimizerFactory.apply(m.parameters());
    }

    /** Measures test accuracy and sparsity now and appends a {@link Round}. */
    public Round record(String label) {
        double acc = Trainer.accuracy(model, test);
        Round r = new Round(label, Masks.sparsity(weights()), acc, Masks.layerSparsity(weights()), optimizer.steps(), model.parameterCount());
        rounds.add(r);
        progress.accept(String.format("%s: sparsity %.4f, test accuracy %.4f, parameters %d", label, r.sparsity(), acc, r.parameters()));
        return r;
    }
}
