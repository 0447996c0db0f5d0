package dev.prune4j.cli;

import dev.prune4j.bench.SparseBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j bench sparse}: sparse kernels vs our dense kernel and vs the memory roofline. */
@Command(name = "sparse", description = "Sparse matvec / small-M GEMM vs our dense kernels (cold and hot) and vs the bandwidth roofline, on LLaMA-7B layer shapes.")
final class BenchSparseCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Only the decode target cases, short timings (under a minute).")
    boolean quick;

    @Option(names = "--json", description = "Print one JSON object with a 'cases' list on stdout.")
    boolean json;

    @Option(names = "--threads", defaultValue = "2", description = "Kernel threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> res = new SparseBench(new SparseBench.Options(quick, threads, seed), err).run();
        if (json) {
            Json.print(out, res);
            return Main.OK;
        }
        out.printf(Locale.ROOT, "bandwidth %.1f GB/s, %s threads%n", (double) res.get("bandwidthGBs"), res.get("threads"));
        out.printf(Locale.ROOT, "%-8s %-11s %4s %-8s %-8s %-5s %8s %9s %9s %7s %7s %7s%n",
                "group", "shape", "M", "format", "sparsity", "type", "B/weight", "dense ms", "sparse ms", "ratio", "hot", "limit");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cases = (List<Map<String, Object>>) res.get("cases");
        for (Map<String, Object> c : cases) {
            List<?> shape = (List<?>) c.get("shape");
            out.printf(Locale.ROOT, "%-8s %-11s %4d %-8s %-8s %-5s %8.3f %9.3f %9.3f %6.2fx %6.2fx %6.2fx%s%n",
                    c.get("group"), shape.get(0) + "x" + shape.get(1), (int) c.get("M"), c.get("format"), c.get("sparsity"),
                    c.get("valueType"), (double) c.get("bytesPerWeight"), (double) c.get("denseMs"), (double) c.get("sparseMs"),
                    (double) c.get("ratio"), (double) c.get("hotRatio"), (double) c.get("limitRatio"),
                    c.containsKey("goal") ? String.format(Locale.ROOT, "  goal %.1fx %s", (double) c.get("goal"),
                            (boolean) c.get("met") ? "met" : "MISSED") : "");
        }
        return Main.OK;
    }
}
