package dev.prune4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.prune4j.bench.SparseBench;
import dev.prune4j.bench.SparsePlot;
import dev.prune4j.core.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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

    @Option(names = "--plot", paramLabel = "PNG", description = "Also write the speedup-vs-sparsity plot to this PNG file.")
    Path plot;

    @Option(names = "--from-json", paramLabel = "FILE", description = "Do not measure: print (and plot) a result saved with --json.")
    Path fromJson;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> res;
        if (fromJson != null) {
            try {
                res = Json.MAPPER.readValue(fromJson.toFile(), new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new BadInputException(fromJson + ": not a 'bench sparse --json' result: " + e.getMessage(), e);
            }
            if (!(res.get("cases") instanceof List<?>)) {
                throw new BadInputException(fromJson + ": expected a JSON object with a 'cases' list (from 'prune4j bench sparse --json')");
            }
        } else {
            res = new SparseBench(new SparseBench.Options(quick, threads, seed), err).run();
        }
        if (plot != null) {
            try {
                SparsePlot.write(res, plot);
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the plot " + plot + ": " + e.getMessage(), e);
            }
            err.println("plot written to " + plot);
        }
        if (json) {
            Json.print(out, res);
            return Main.OK;
        }
        out.printf(Locale.ROOT, "bandwidth %.1f GB/s, %s threads%n", ((Number) res.get("bandwidthGBs")).doubleValue(), res.get("threads"));
        out.printf(Locale.ROOT, "%-8s %-11s %4s %-8s %-8s %-5s %8s %9s %9s %7s %7s %7s%n",
                "group", "shape", "M", "format", "sparsity", "type", "B/weight", "dense ms", "sparse ms", "ratio", "hot", "limit");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> cases = (List<Map<String, Object>>) res.get("cases");
        for (Map<String, Object> c : cases) {
            List<?> shape = (List<?>) c.get("shape");
            out.printf(Locale.ROOT, "%-8s %-11s %4d %-8s %-8s %-5s %8.3f %9.3f %9.3f %6.2fx %6.2fx %6.2fx%s%n",
                    c.get("group"), shape.get(0) + "x" + shape.get(1), ((Number) c.get("M")).intValue(), c.get("format"), c.get("sparsity"),
                    c.get("valueType"), ((Number) c.get("bytesPerWeight")).doubleValue(), ((Number) c.get("denseMs")).doubleValue(), ((Number) c.get("sparseMs")).doubleValue(),
                    ((Number) c.get("ratio")).doubleValue(), ((Number) c.get("hotRatio")).doubleValue(), ((Number) c.get("limitRatio")).doubleValue(),
                    c.containsKey("goal") ? String.format(Locale.ROOT, "  goal %.1fx %s", ((Number) c.get("goal")).doubleValue(),
                            (boolean) c.get("met") ? "met" : "MISSED") : "");
        }
        return Main.OK;
    }
}
