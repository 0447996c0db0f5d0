package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;

/**
 * How a model-wide sparsity target is spread over the pruned layers (or blocks).
 *
 * <ul>
 *   <li>{@link Uniform}: the same sparsity everywhere.</li>
 *   <li>{@link OutlierWeighted}: OWL (Yin et al. 2023, "Outlier Weighed Layerwise Sparsity (OWL):
 *   A Missing Secret Sauce for Pruning LLMs to High Sparsity", §3): blocks with more outlier
 *   activations keep more weights.</li>
 *   <li>{@link Global}: one threshold over all layers' scores; each layer's sparsity follows.</li>
 * </ul>
 */
public sealed interface Allocation {

    String name();

    /** The same sparsity in every pruned layer. */
    record Uniform() implements Allocation {
        @Override
        public String name() {
            return "uniform";
        }
    }

    /** One threshold across layers on comparable scores. */
    record Global() implements Allocation {
        @Override
        public String name() {
            return "global";
        }
    }

    /**
     * OWL: outlier ratio D_l = fraction of a block's Wanda scores above {@code m}× their mean;
     * the D_l are mapped linearly onto a range of width 2λ and shifted so the mean density equals
     * the target density; block l gets sparsity 1 − density_l.
     */
    record OutlierWeighted(double lambda, double m) implements Allocation {
        public OutlierWeighted {
            if (!(lambda >= 0 && lambda < 0.5)) {
                throw new BadInputException("OWL lambda must be in [0, 0.5), found " + lambda);
            }
            if (!(m > 0)) {
                throw new BadInputException("OWL outlier multiple M must be > 0, found " + m);
            }
        }

        /** The paper's defaults for LLaMA: λ = 0.08, M = 5. */
        public OutlierWeighted() {
            this(0.08, 5);
        }

        @Override
        public String name() {
            return "owl";
        }

        /** Fraction of {@code scores} larger than {@code m} × their mean. */
        public double outlierRatio(float[] scores) {
            double mean = 0;
            for (float s : scores) {
                mean += s;
            }
            mean /= Math.max(1, scores.length);
            long count = 0;
            double t = m * mean;
            for (float s : scores) {
                if (s > t) {
                    count++;
                }
            }
            return scores.length == 0 ? 0 : (double) count / scores.length;
        }

        /**
         * Per-block sparsities for a target {@code sparsity} from the blocks' outlier ratios.
         * Results are clamped to [0, 0.99]; when all ratios are equal every block gets the target.
         */
        public double[] sparsities(double[] outlierRatios, double sparsity) {
            int n = outlierRatios.length;
            double lo = Double.MAX_VALUE;
            double hi = -Double.MAX_VALUE;
            for (double d : outlierRatios) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
            double[] density = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                density[i] = hi > lo ? (outlierRatios[i] - lo) / (hi - lo) * 2 * lambda : 0;
                mean += density[i];
            }
            mean /= Math.max(1, n);
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                double keep = density[i] - mean + (1 - sparsity);
                out[i] = Math.min(0.99, Math.max(0, 1 - keep));
            }
            return out;
        }
    }

    /** Parses "uniform", "global" or "owl". */
    static Allocation parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "uniform" -> new Uniform();
            case "global" -> new Global();
            case "owl" -> new OutlierWeighted();
            default -> throw new BadInputException("allocation: expected one of uniform, global, owl, found '" + s + "'");
        };
    }
}
