package dev.prune4j.prune.train;

import java.util.Map;

/**
 * One measured point of a method's run: after which phase, the sparsity counted from the
 * weights (zeros over all prunable weights), test accuracy, per-layer sparsity, optimizer steps
 * and the number of parameters the model holds (smaller after structured removal).
 */
public record Round(String label, double sparsity, double accuracy, Map<String, Double> layerSparsity, long steps, long parameters) {
}
