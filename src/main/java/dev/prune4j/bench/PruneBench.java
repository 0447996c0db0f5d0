package dev.prune4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.prune.Granularity;
import dev.prune4j.prune.LayerPruner;
import dev.prune4j.prune.LayerStats;
import dev.prune4j.prune.SparseGpt;
import dev.prune4j.prune.Sparsity;
import dev.prune4j.prune.Wanda;
import dev.prune4j.tensor.Rng;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per-layer pruning time of Wanda and SparseGPT (statistics from the calibration inputs included)
 * against a straightforward PyTorch CPU implementation of the same algorithms
 * ({@code bench/pytorch_prune.py}, Debian's python3-torch) on identical layer sizes, measured in
 * the same run, with SparseGPT's FLOP count.
 */
public final class PruneBench {
    private PruneBench() {
    }

    /** One layer shape [out, in]. */
    public record LayerShape(int out, int in) {
        @Override
        public String toString() {
            return out + "x" + in;
        }
    }

    /** Runs the cases; {@code python} may be null to skip the PyTorch baseline. */
    public static List<Map<String, Object>> run(List<LayerShape> shapes, int tokens, int threads, List<String> methods,
                                                String python, Path script, PrintWriter log) {
        Parallel.setThreads(threads);
        Map<String, Double> torch = python == null ? Map.of() : torchTimes(python, script, shapes, tokens, threads, methods, log);
        List<Map<String, Object>> cases = new ArrayList<>();
        // warm-up on a small layer so that the JIT has compiled the kernels before anything is
        // timed: at least 3 runs per method and until 1 s is spent on it (C2 compiles in the
        // background; on a busy 2-core machine it needs a while)
        LayerShape small = new LayerShape(256, 256);
        float[] ws = new float[256 * 256];
        float[] xs = new float[256 * 256];
        new Rng(2).fillGaussian(ws, 0, 1);
        new Rng(3).fillGaussian(xs, 0, 1);
        for (String m : methods) {
            double spent = 0;
            for (int rep = 0; rep < 3 || (spent < 1.0 && rep < 200); rep++) {
                spent += time(m, ws, xs, small, 256);
            }
        }
        for (LayerShape s : shapes) {
            Rng rng = new Rng(1);
            float[] w = new float[s.out() * s.in()];
            float[] x = new float[tokens * s.in()];
            rng.fillGaussian(w, 0, 1);
            rng.fillGaussian(x, 0, 1);
            for (String m : methods) {
                log.printf("prune4j bench prune: %s %s, %d tokens, %d threads%n", m, s, tokens, threads);
                log.flush();
                // best of up to 3 runs, stopping once 5 s are spent (as the PyTorch script does)
                double secs = Double.MAX_VALUE;
                double spent = 0;
                for (int rep = 0; rep < 3 && spent <= 5.0; rep++) {
                    double t = time(m, w, x, s, tokens);
                    secs = Math.min(secs, t);
                    spent += t;
                }
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("method", m);
                c.put("shape", s.toString());
                c.put("tokens", tokens);
                c.put("threads", threads);
                c.put("seconds", secs);
                Double base = torch.get(m + " " + s);
                c.put("pytorch_seconds", base);
                c.put("ratio", base == null ? null : base / secs);
                if (m.equals("sparsegpt")) {
                    double n = s.in();
                    // Hessian 2·tokens·in² and updates out·in² (fp32); Cholesky, inverse, Cholesky 4/3·in³ (fp64)
                    c.put("gflop_fp32", (2.0 * tokens * n * n + (double) s.out() * n * n) / 1e9);
                    c.put("gflop_fp64", (4.0 / 3.0 * n * n * n) / 1e9);
                }
                cases.add(c);
            }
        }
        return cases;
    }

    private static double time(String method, float[] w, float[] x, LayerShape s, int tokens) {
        float[] copy = w.clone();
        long t0 = System.nanoTime();
        LayerPruner p = method.equals("wanda") ? new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW) : new SparseGpt();
        LayerStats st = new LayerStats(s.in(), p.needsGram());
        st.accumulate(x, tokens);
        p.prune(copy, s.out(), s.in(), st, new Sparsity.Fraction(0.5));
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Map<String, Double> torchTimes(String python, Path script, List<LayerShape> shapes, int tokens, int threads,
                                                  List<String> methods, PrintWriter log) {
        List<String> cmd = List.of(python, script.toString(), "--shapes",
                String.join(",", shapes.stream().map(LayerShape::toString).toList()), "--tokens", Integer.toString(tokens),
                "--threads", Integer.toString(threads), "--methods", String.join(",", methods));
        log.println("prune4j bench prune: PyTorch baseline: " + String.join(" ", cmd));
        log.flush();
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
                log.println("prune4j bench prune: PyTorch baseline failed; ratios omitted");
                return Map.of();
            }
            JsonNode j = new ObjectMapper().readTree(out);
            Map<String, Double> m = new LinkedHashMap<>();
            for (JsonNode c : j.get("cases")) {
                m.put(c.get("method").asText() + " " + c.get("out").asInt() + "x" + c.get("in").asInt(), c.get("seconds").asDouble());
            }
            return m;
        } catch (IOException e) {
            log.println("prune4j bench prune: PyTorch baseline not run: " + e.getMessage());
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The Python that imports torch: $PRUNE4J_PYTHON, else /usr/bin/python3 or python3; null if none. */
    public static String findTorchPython() {
        String env = System.getenv("PRUNE4J_PYTHON");
        for (String py : env != null ? List.of(env) : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return py;
                }
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** The baseline script in the repository (bench/pytorch_prune.py under prune4j.home), or null. */
    public static Path script() {
        Path p = Path.of(System.getProperty("prune4j.home", "."), "bench", "pytorch_prune.py");
        return Files.isRegularFile(p) ? p : null;
    }
}
