package dev.prune4j.cli;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.kernels.ScalarKernels;
import dev.prune4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The demo on the built-in default model. Until model loading lands it is a kernel self-check:
 * the fast kernels against their scalar specification on a linear layer, and their speed.
 */
@Command(name = "demo", description = "Run the demo (for now: a kernel self-check; the pruning demo arrives with the models).")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for the random test data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("prune4j demo: no model support yet, running the kernel self-check instead "
                + "(fast kernels vs the scalar specification on linear-layer shapes).");
        Kernels fast = Kernels.get();
        Kernels spec = new ScalarKernels();
        Rng rng = new Rng(seed);
        List<Map<String, Object>> checks = new ArrayList<>();
        boolean ok = true;
        int[][] shapes = {{1, 768, 768}, {16, 384, 1536}, {128, 768, 768}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            float[] x = new float[m * k];
            float[] w = new float[n * k];
            rng.fillUniform(x, -1, 1);
            rng.fillUniform(w, -1, 1);
            float[] yRef = new float[m * n];
            float[] y = new float[m * n];
            spec.gemmT(m, n, k, x, w, yRef);
            long t0 = System.nanoTime();
            int reps = 0;
            do {
                fast.gemmT(m, n, k, x, w, y);
                reps++;
            } while (System.nanoTime() - t0 < 200_000_000L);
            double secs = (System.nanoTime() - t0) / 1e9 / reps;
            double maxErr = 0;
            for (int i = 0; i < y.length; i++) {
                maxErr = Math.max(maxErr, Math.abs(y[i] - yRef[i]));
            }
            // |error| ≤ k·eps·Σ|x||w| ≤ k·eps·k for inputs in [-1, 1]; use a generous 2·k·eps·sqrt(k) bound
            double tol = 2 * k * Math.ulp(1f) * Math.sqrt(k);
            boolean pass = maxErr <= tol;
            ok &= pass;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("op", "gemmT");
            c.put("shape", "M=" + m + " N=" + n + " K=" + k);
            c.put("maxAbsError", maxErr);
            c.put("tolerance", tol);
            c.put("pass", pass);
            c.put("gflops", 2.0 * m * n * k / secs / 1e9);
            checks.add(c);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kernels", fast.name());
        result.put("threads", Parallel.threads());
        result.put("seed", seed);
        result.put("checks", checks);
        result.put("ok", ok);
        if (json) {
            Json.print(out, result);
        } else {
            out.printf("kernels: %s, threads: %d, seed: %d%n", fast.name(), Parallel.threads(), seed);
            out.printf("%-8s %-22s %12s %12s %6s %10s%n", "op", "shape", "max|err|", "tolerance", "pass", "GFLOP/s");
            for (Map<String, Object> c : checks) {
                out.printf("%-8s %-22s %12.3e %12.3e %6s %10.1f%n", c.get("op"), c.get("shape"), c.get("maxAbsError"),
                        c.get("tolerance"), c.get("pass"), c.get("gflops"));
            }
            out.println(ok ? "self-check passed" : "self-check FAILED");
        }
        return ok ? Main.OK : Main.FAILURE;
    }
}
