package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.prune.train.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code prune4j prune-train}: runs a pruning-while-training recipe and reports accuracy per round. */
@Command(name = "prune-train", description = "Prune while training (one-shot, iterative/lottery ticket, gradual, static-sparse, SET, RigL, "
        + "structured, group-lasso, sensitivity; optional distillation) from a JSON/YAML recipe.")
final class PruneTrainCommand implements Callable<Integer> {
    @Option(names = "--recipe", required = true, description = "JSON or YAML recipe with a 'method' section.")
    Path recipe;

    @Option(names = "--seed", description = "Seed (overrides the recipe).")
    Long seed;

    @Option(names = "--data", description = "Directory with the Fashion-MNIST IDX files (overrides the recipe).")
    String data;

    @Option(names = "--out", description = "Write the pruned model (with masks) and optimizer state to this checkpoint file.")
    Path out;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Recipe r = TrainingRun.read(recipe);
        if (r.method() == null) {
            throw new BadInputException(recipe + ": the recipe has no 'method' section (use 'prune4j train' for plain training)");
        }
        Recipe.Data d = r.data();
        if (data != null) {
            d = d == null ? new Recipe.Data("fashion-mnist", data, null, null) : new Recipe.Data(d.dataset(), data, d.trainLimit(), d.testLimit());
        }
        Recipe run = new Recipe(seed != null ? seed : r.seed(), d, r.model(), r.train(), r.method(), r.distill());
        return TrainingRun.run("prune-train", run, out, json, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
