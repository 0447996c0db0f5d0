package dev.prune4j.cli;

import dev.prune4j.bench.PruneBench;
import dev.prune4j.core.Versions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code prune4j bench prune}: Wanda and SparseGPT per-layer time vs PyTorch on CPU, same run. */
@Command(name = "prune", description = "Wanda and SparseGPT time per layer vs a PyTorch CPU implementation (same run).")
final class BenchPruneCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Only the 768x768 and 4096x4096 layers, Wanda and SparseGPT.")
    boolean quick;

    @Option(names = "--tokens", defaultValue = "2048", description = "Calibration tokens (default: ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--methods", split = ",", defaultValue = "wanda,sparsegpt",
            description = "Methods to time, comma-separated: wanda, sparsegpt (default: ${DEFAULT-VALUE}).")
    List<Method> methods;

    /** The timed methods. */
    enum Method { wanda, sparsegpt }

    @Option(names = "--no-pytorch", description = "Skip the PyTorch baseline.")
    boolean noTorch;

    @Option(names = "--json", description = "Print one JSON object with a 'cases' list.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<PruneBench.LayerShape> shapes = quick
                ? List.of(new PruneBench.LayerShape(768, 768), new PruneBench.LayerShape(4096, 4096))
                : List.of(new PruneBench.LayerShape(768, 768), new PruneBench.LayerShape(4096, 4096),
                new PruneBench.LayerShape(11008, 4096));
        String py = noTorch ? null : PruneBench.findTorchPython();
        Path script = PruneBench.script();
        if (py != null && script == null) {
            err.println("prune4j bench prune: bench/pytorch_prune.py not found under prune4j.home; PyTorch baseline skipped");
            py = null;
        } else if (py == null && !noTorch) {
            err.println("prune4j bench prune: no Python with torch (apt-get install python3-torch); PyTorch baseline skipped");
        }
        List<Map<String, Object>> cases = PruneBench.run(shapes, tokens, threads, methods.stream().map(Enum::name).toList(), py, script, err);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("cases", cases);
            o.put("environment", Versions.environment());
            Json.print(out, o);
        } else {
            out.printf("%-10s %-11s %7s %8s %10s %12s %8s%n", "method", "shape", "tokens", "threads", "prune4j s", "PyTorch s", "ratio");
            for (Map<String, Object> c : cases) {
                Object base = c.get("pytorch_seconds");
                Object ratio = c.get("ratio");
                out.printf("%-10s %-11s %7d %8d %10.3f %12s %8s%n", c.get("method"), c.get("shape"), (int) c.get("tokens"),
                        (int) c.get("threads"), (double) c.get("seconds"), base == null ? "-" : String.format("%.3f", (double) base),
                        ratio == null ? "-" : String.format("%.2fx", (double) ratio));
            }
            out.flush();
        }
        return Main.OK;
    }
}
