package dev.prune4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks: ratios against a baseline measured in the same run. */
@Command(name = "bench", description = "Benchmarks, as ratios against a baseline measured in the same run.",
        subcommands = {BenchKernelsCommand.class, BenchDecodeCommand.class, BenchEmbedCommand.class, BenchPruneCommand.class, BenchPruneScaleCommand.class, BenchTrainCommand.class, BenchSparseCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing benchmark; one of: kernels, decode, embed, prune, prune-scale, train, sparse");
    }
}
