package dev.prune4j.cli;

import dev.prune4j.bench.BenchCase;
import dev.prune4j.bench.KernelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code prune4j bench kernels}: our kernels vs OpenBLAS / LAPACK / memory bandwidth. */
@Command(name = "kernels", description = "GEMM vs OpenBLAS, matvec vs measured bandwidth, Cholesky/inverse vs LAPACK.")
final class BenchKernelsCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A short run (under a minute).")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object with a 'cases' list on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        KernelBench.Report report = KernelBench.run(quick ? KernelBench.Mode.QUICK : KernelBench.Mode.FULL, System.err);
        if (json) {
            Json.print(out, report);
            return 0;
        }
        out.printf("%s | %s | %s vectors | %s%n", report.date(), report.machine(), report.vectorBits(), report.openblas());
        out.printf("%-18s %-30s %7s %10s %10s %8s %9s  %s%n", "op", "shape", "threads", "ours", "baseline", "ratio",
                "cpu ratio", "unit / baseline");
        for (BenchCase c : report.cases()) {
            out.printf(Locale.ROOT, "%-18s %-30s %7d %10.1f %10.1f %8.3f %9.3f  %s / %s%n", c.op(), c.shape(), c.threads(),
                    c.ours(), c.baseline(), c.ratio(), c.cpuRatio(), c.unit(), c.baselineName());
        }
        out.flush();
        return 0;
    }
}
