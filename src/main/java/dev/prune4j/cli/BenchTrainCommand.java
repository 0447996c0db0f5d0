package dev.prune4j.cli;

import dev.prune4j.data.ImageDataset;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.nn.Adam;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Optimizer;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Trainer;
import dev.prune4j.nn.VisionModels;
import dev.prune4j.tensor.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code prune4j bench train}: training throughput (samples/s) of the Fashion-MNIST-shaped models
 * — forward, backward and an Adam step per batch — on random data. The PyTorch baseline is
 * {@code scripts/bench_train_torch.py}; {@code scripts/bench-training.sh} runs both in one run.
 */
@Command(name = "train", description = "Training throughput (samples/s) of the MLP 784-300-100-10 or LeNet-5 on random 1×28×28 data.")
final class BenchTrainCommand implements Callable<Integer> {
    /** Which model to train. */
    enum Model { MLP, LENET5 }

    @Option(names = "--model", defaultValue = "mlp", description = "mlp or lenet5 (default: ${DEFAULT-VALUE}).")
    Model model;

    @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured time after a warm-up of a third of it (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--threads", description = "Kernel threads (default: all configured).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1 || !(seconds > 0)) {
            throw new dev.prune4j.core.BadInputException("--batch must be ≥ 1 and --seconds > 0");
        }
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Rng rng = new Rng(1);
        Sequential m = model == Model.MLP ? VisionModels.mlp(784, new int[] {300, 100}, 10, rng) : VisionModels.lenet5(10, rng);
        int n = batch * 8;
        float[] x = new float[n * 784];
        rng.fillUniform(x, 0, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(10);
        }
        ImageDataset data = new ImageDataset("random", x, y, 1, 28, 28, 10);
        Optimizer opt = new Adam(m.parameters(), Adam.Options.defaults());
        LrSchedule lr = new LrSchedule.Constant(1e-3);
        Trainer.Options o = Trainer.Options.of(batch);
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmEnd) {
            Trainer.epoch(m, opt, lr, data, o, rng);
        }
        long t0 = System.nanoTime();
        long samples = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            Trainer.epoch(m, opt, lr, data, o, rng);
            samples += n;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("engine", "prune4j");
        r.put("model", model.name().toLowerCase(java.util.Locale.ROOT));
        r.put("batch", batch);
        r.put("threads", Parallel.threads());
        r.put("kernels", Kernels.get().name());
        r.put("samplesPerSecond", samples / secs);
        r.put("seconds", secs);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, r);
        } else {
            out.printf("prune4j train %s batch %d threads %d: %.0f samples/s%n", r.get("model"), batch, Parallel.threads(), samples / secs);
        }
        return Main.OK;
    }
}
