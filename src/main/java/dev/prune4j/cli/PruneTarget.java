package dev.prune4j.cli;

import dev.prune4j.prune.BlockwiseModel;
import dev.prune4j.prune.Recipe;
import dev.prune4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model-family half of {@code prune4j prune}: loading, calibration samples, evaluation before
 * and after, and the family's output files. {@link PruneCommand} drives both families through it
 * with one pipeline (recipe, sequential pruning, counting from the saved tensors, compact
 * checkpoint, report, staged output directory).
 */
interface PruneTarget {
    /** The recipe with the family's defaults resolved (what the report records). */
    Recipe recipe();

    /** The model as blocks with its calibration samples; pruning changes its weights in place. */
    BlockwiseModel blocks();

    /** Calibration protocol for the report. */
    Map<String, Object> calibrationProtocol();

    /** Evaluates the model as it is now (called before and after pruning); no-op when evaluation is off. */
    void evaluate(boolean after);

    /** The evaluation section of the report (protocol, before, after), or null when skipped. */
    Map<String, Object> evaluation();

    /** Lines that summarise the evaluation for the table output. */
    List<String> evaluationLines();

    /**
     * Writes the family's files into {@code dir} (which does not exist yet) and returns the
     * tensors as read back from the saved dense checkpoint there (counted for sparsity).
     */
    Map<String, Tensor> write(Path dir, Map<String, String> metadata);

    /** Extra output facts for the report (file names and sizes, counts from other formats). */
    Map<String, Object> outputs(Path dir, List<String> prunedLayers);

    /** Lines describing the extra outputs for the table output. */
    default List<String> outputLines(Map<String, Object> outputs, Path out) {
        return List.of();
    }
}
