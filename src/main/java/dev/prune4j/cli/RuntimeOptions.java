package dev.prune4j.cli;

import dev.prune4j.core.BadInputException;
import dev.prune4j.model.LinearRuntime;
import dev.prune4j.sparse.SparseFormat;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --runtime}, {@code --sparse-format}, {@code --int8} options of commands that run a model (a picocli mixin). */
final class RuntimeOptions {
    @Option(names = "--runtime", defaultValue = "AUTO", paramLabel = "R",
            description = "How linear layers run: auto (per layer the fastest of dense and the sparse formats that fit, "
                    + "from a short cached benchmark), dense (stored precision; BF16 stays BF16), sparse (a sparse format for "
                    + "every layer with zeros), f32 (float32 copies, the old path). Default: ${DEFAULT-VALUE}.")
    LinearRuntime.Mode runtime;

    @Option(names = "--sparse-format", paramLabel = "F",
            description = "With --runtime sparse: use only this format (${COMPLETION-CANDIDATES}).")
    SparseFormat format;

    @Option(names = "--int8", description = "Prune, then quantize: sparse formats store INT8 values with a scale per row.")
    boolean int8;

    @Option(names = "--calibration-cache", paramLabel = "DIR",
            description = "Where the format timings are cached (default: ~/.cache/prune4j).")
    Path cache;

    LinearRuntime get() {
        if (format == SparseFormat.DENSE) {
            throw new BadInputException("--sparse-format dense: use --runtime dense instead");
        }
        if (format != null && runtime != LinearRuntime.Mode.SPARSE) {
            throw new BadInputException("--sparse-format " + format + " needs --runtime sparse, found --runtime " + runtime);
        }
        if (int8 && (runtime == LinearRuntime.Mode.F32 || runtime == LinearRuntime.Mode.DENSE)) {
            throw new BadInputException("--int8 applies to sparse formats: use --runtime auto or sparse, found --runtime " + runtime);
        }
        return new LinearRuntime(runtime, format, int8 ? LinearRuntime.Values.INT8 : LinearRuntime.Values.STORED, cache);
    }
}
