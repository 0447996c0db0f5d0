package dev.prune4j.prune.train;

import dev.prune4j.core.BadInputException;

import java.util.List;

/**
 * A training or pruning-while-training run, as read from a JSON/YAML recipe and echoed in the
 * report. Missing sections take the defaults of {@link #defaults()}; every field is validated
 * with a message that names it.
 */
public record Recipe(Long seed, Data data, ModelSpec model, TrainSpec train, MethodSpec method, DistillSpec distill) {
    /** Fashion-MNIST from a directory (default: Debian's), optionally only the first samples. */
    public record Data(String dataset, String dir, Integer trainLimit, Integer testLimit) {
    }

    /** "mlp" with hidden sizes, or "lenet5". */
    public record ModelSpec(String kind, List<Integer> hidden) {
    }

    /** Epochs, batch size, optimizer ("adam", "adamw", "sgd"), learning rate and its schedule. */
    public record TrainSpec(Integer epochs, Integer batchSize, String optimizer, Double lr, Double momentum, Boolean nesterov,
                            Double weightDecay, String schedule, Integer warmupSteps) {
    }

    /**
     * The pruning method: kind one of one-shot, iterative, gradual, static-sparse, set, rigl,
     * structured, group-lasso, sensitivity, and the fields that kind uses.
     */
    public record MethodSpec(String kind, String criterion, Double alpha, String allocation, Double sparsity,
                             Integer trainEpochs, Integer fineTuneEpochs, Double rate, Integer rounds, String rewind,
                             Long rewindStep, Double startFraction, Double endFraction, Integer pruningSteps,
                             Double density, String layout, Double zeta, Integer deltaT, String norm, Double fraction,
                             Double lambda, Double epsilon, List<Double> sweep, Double maxDrop) {
    }

    /** Distillation from the dense model trained first for {@code teacherEpochs}. */
    public record DistillSpec(Double alpha, Double temperature, Integer teacherEpochs) {
    }

    /** The default run: Fashion-MNIST, MLP 784-300-100-10, Adam 1e-3, 3 epochs of batch 128, seed 42. */
    public static Recipe defaults() {
        return new Recipe(42L, new Data("fashion-mnist", null, null, null), new ModelSpec("mlp", List.of(300, 100)),
                new TrainSpec(3, 128, "adam", 1e-3, 0.9, false, 0.0, "constant", 0), null, null);
    }

    /** This recipe with missing sections and fields filled from {@link #defaults()}. */
    public Recipe withDefaults() {
        Recipe d = defaults();
        Data da = data == null ? d.data : new Data(or(data.dataset, d.data.dataset), data.dir, data.trainLimit, data.testLimit);
        ModelSpec mo = model == null ? d.model : new ModelSpec(or(model.kind, "mlp"), model.hidden == null && "mlp".equals(or(model.kind, "mlp")) ? d.model.hidden : model.hidden);
        TrainSpec t = train == null ? d.train : new TrainSpec(or(train.epochs, d.train.epochs), or(train.batchSize, d.train.batchSize),
                or(train.optimizer, d.train.optimizer), or(train.lr, d.train.lr), or(train.momentum, d.train.momentum),
                or(train.nesterov, d.train.nesterov), or(train.weightDecay, d.train.weightDecay), or(train.schedule, d.train.schedule),
                or(train.warmupSteps, d.train.warmupSteps));
        return new Recipe(or(seed, d.seed), da, mo, t, method, distill);
    }

    static <T> T or(T v, T d) {
        return v != null ? v : d;
    }

    static <T> T need(T v, String field) {
        if (v == null) {
            throw new BadInputException("recipe: field '" + field + "' is required for this method");
        }
        return v;
    }
}
