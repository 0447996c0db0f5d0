package dev.prune4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code prune4j bench kernels}: our kernels vs OpenBLAS / LAPACK / memory bandwidth. */
@Command(name = "kernels", description = "GEMM vs OpenBLAS, matvec vs measured bandwidth, Cholesky/inverse vs LAPACK.")
final class BenchKernelsCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A short run (under a minute).")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object with a 'cases' list on stdout.")
    boolean json;

    @Override
    public Integer call() {
        throw new UnsupportedOperationException("bench kernels is not implemented yet");
    }
}
