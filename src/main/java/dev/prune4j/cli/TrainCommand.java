package dev.prune4j.cli;

import dev.prune4j.prune.train.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code prune4j train}: trains an image classifier (default: Fashion-MNIST MLP 784-300-100-10). */
@Command(name = "train", description = "Train an image classifier on Fashion-MNIST (recipe or options); saves a checkpoint with --out.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--recipe", description = "JSON or YAML recipe (the 'method' section is ignored; see prune-train).")
    Path recipe;

    @Option(names = "--model", description = "mlp or lenet5 (overrides the recipe).")
    String model;

    @Option(names = "--epochs", description = "Epochs (overrides the recipe).")
    Integer epochs;

    @Option(names = "--seed", description = "Seed (overrides the recipe; default 42).")
    Long seed;

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (default: /usr/share/datasets/fashion-mnist).")
    String data;

    @Option(names = "--train-limit", description = "Use only the first N training images.")
    Integer trainLimit;

    @Option(names = "--out", description = "Write the trained model and optimizer state to this checkpoint file.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Recipe r = TrainingRun.read(recipe).withDefaults();
        Recipe.TrainSpec t = r.train();
        if (epochs != null) {
            t = new Recipe.TrainSpec(epochs, t.batchSize(), t.optimizer(), t.lr(), t.momentum(), t.nesterov(), t.weightDecay(), t.schedule(), t.warmupSteps());
        }
        Recipe.ModelSpec m = model == null ? r.model() : new Recipe.ModelSpec(model, "mlp".equals(model) ? List.of(300, 100) : null);
        Recipe.Data d = new Recipe.Data(r.data().dataset(), data != null ? data : r.data().dir(),
                trainLimit != null ? trainLimit : r.data().trainLimit(), r.data().testLimit());
        Recipe run = new Recipe(seed != null ? seed : r.seed(), d, m, t, null, null);
        return TrainingRun.run("train", run, out, json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
