package dev.prune4j.cli;

import dev.prune4j.kernels.Parallel;
import dev.prune4j.model.LinearPlanner;
import dev.prune4j.model.LinearRuntime;
import dev.prune4j.model.LlamaConfig;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.model.ModelLoader;
import dev.prune4j.model.bert.EncoderLoader;
import dev.prune4j.model.bert.SentenceEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Shows how a model's linear layers would run: per layer the measured sparsity, the format the
 * runtime chose, its bytes against dense in the stored precision, and the speedup the
 * calibration benchmark measured (decode matvec for decoders, 128-row products for encoders).
 */
@Command(name = "inspect", description = "Per linear layer: sparsity, chosen format, bytes and expected speedup.")
final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A decoder or encoder checkpoint (directory, .safetensors incl. model.compact.safetensors, llama2.c .bin), "
                    + "or a built-in encoder name.")
    String model;

    @Mixin
    RuntimeOptions runtimeOptions;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        LinearRuntime rt = runtimeOptions.get();
        if (rt.mode() == LinearRuntime.Mode.F32) {
            rt = LinearRuntime.of(LinearRuntime.Mode.DENSE);
        }
        long t0 = System.nanoTime();
        List<LinearPlanner.Planned> plan;
        String describe;
        Path p = Path.of(model);
        Model m = Files.exists(p) ? loadIfDecoder(p) : null;
        if (m != null) {
            describe = m.architecture().describe();
            err.println("prune4j inspect: " + describe + "; planning " + rt.mode() + " (first runs calibrate formats)");
            plan = new LlamaDecoder(m, rt).plan();
        } else {
            try (SentenceEncoder enc = EncoderLoader.load(model)) {
                describe = enc.encoder().config().describe();
                err.println("prune4j inspect: " + describe + "; planning " + rt.mode() + " (first runs calibrate formats)");
                plan = enc.withRuntime(rt).encoder().plan();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<Map<String, Object>> layers = new ArrayList<>();
        long bytes = 0;
        long denseBytes = 0;
        double denseTime = 0;
        double chosenTime = 0;
        for (LinearPlanner.Planned pl : plan) {
            long dense = denseBytes(pl);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", pl.name());
            row.put("shape", List.of(pl.out(), pl.in()));
            row.put("sparsity", pl.sparsity());
            row.put("format", pl.op().formatName());
            row.put("values", pl.op().valueType().name());
            row.put("bytes", pl.op().bytes());
            row.put("dense_bytes", dense);
            row.put("bytes_per_weight", pl.op().bytesPerWeight());
            row.put("expected_speedup", pl.expectedSpeedup());
            layers.add(row);
            bytes += pl.op().bytes();
            denseBytes += dense;
            // weight the speedups by dense bytes: a layer's dense time is proportional to its bytes
            denseTime += dense;
            chosenTime += dense / pl.expectedSpeedup();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("architecture", describe);
        r.put("runtime", rt.mode().name().toLowerCase(Locale.ROOT));
        r.put("values", rt.values().name().toLowerCase(Locale.ROOT));
        r.put("threads", Parallel.threads());
        r.put("planning_seconds", seconds);
        r.put("bytes", bytes);
        r.put("dense_bytes", denseBytes);
        r.put("expected_speedup_of_linears", denseTime / chosenTime);
        r.put("layers", layers);
        if (json) {
            Json.print(out, r);
        } else {
            out.printf(Locale.ROOT, "%-48s %13s %8s %-9s %-5s %11s %8s %7s%n", "layer", "shape", "sparsity", "format", "vals",
                    "MB", "B/weight", "speedup");
            for (Map<String, Object> row : layers) {
                List<?> shape = (List<?>) row.get("shape");
                out.printf(Locale.ROOT, "%-48s %13s %8.3f %-9s %-5s %11.3f %8.3f %6.2f×%n", row.get("name"),
                        shape.get(0) + "×" + shape.get(1), (double) row.get("sparsity"), row.get("format"), row.get("values"),
                        (long) row.get("bytes") / 1e6, (double) row.get("bytes_per_weight"), (double) row.get("expected_speedup"));
            }
            out.printf(Locale.ROOT, "total: %.1f MB (dense %.1f MB); expected speedup of the linear layers %.2f× (%s, %d threads)%n",
                    bytes / 1e6, denseBytes / 1e6, denseTime / chosenTime, rt.mode().name().toLowerCase(Locale.ROOT),
                    Parallel.threads());
        }
        out.flush();
        return 0;
    }

    /** Dense bytes in the precision the layer is stored in (2 for BF16/F16, else 4 per weight). */
    private static long denseBytes(LinearPlanner.Planned pl) {
        int per = switch (pl.op().valueType()) {
            case BF16, F16 -> 2;
            default -> 4;
        };
        if (pl.op().valueType() == dev.prune4j.sparse.ValueType.INT8) {
            per = 4; // the dense baseline of an INT8 packing is its stored float weights
        }
        return (long) per * pl.out() * pl.in();
    }

    /** The model at {@code p} when it is a decoder; null for an encoder (loaded by EncoderLoader). */
    private static Model loadIfDecoder(Path p) {
        String name = p.getFileName().toString();
        if (name.endsWith(".onnx")) {
            return null;
        }
        Model m = ModelLoader.load(p);
        return m.architecture() instanceof LlamaConfig ? m : null;
    }
}
