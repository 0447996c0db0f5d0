package dev.prune4j.prune.train;

import dev.prune4j.nn.Act;
import dev.prune4j.nn.BatchNorm;
import dev.prune4j.nn.Conv2d;
import dev.prune4j.nn.Dropout;
import dev.prune4j.nn.Flatten;
import dev.prune4j.nn.Linear;
import dev.prune4j.nn.Module;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Pass;
import dev.prune4j.nn.Pool2d;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Variable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured pruning that removes neurons of Linear layers and output channels of Conv2d layers
 * physically (Li et al. 2017, "Pruning Filters for Efficient ConvNets"; the coupled groups of
 * Fang et al. 2023, DepGraph): a group is row o of the producer's weight and its bias, the
 * matching BatchNorm channel, and the matching inputs of the next Linear/Conv2d (after a Flatten,
 * the H·W columns of that channel). First a {@link Plan} is made and can be printed; then
 * {@link #apply} builds the smaller model. The last producer (the logits) is never removed.
 */
public final class StructuredRemoval {
    private StructuredRemoval() {
    }

    /** Which output groups each producer layer keeps, and what it removes in total. */
    public record Plan(Map<String, int[]> keep, Map<String, Integer> before, long parametersBefore) {
        public String describe() {
            StringBuilder b = new StringBuilder();
            keep.forEach((k, v) -> b.append(k).append(": ").append(before.get(k)).append(" → ").append(v.length).append("; "));
            return b.toString();
        }
    }

    /** Group scores of every removable producer (all Linear/Conv2d layers but the last), by layer name. */
    public static Map<String, double[]> groupScores(Sequential model, GroupNorm norm) {
        Map<String, double[]> out = new LinkedHashMap<>();
        List<Sequential.Named> layers = model.layers();
        int last = lastProducer(layers);
        for (int i = 0; i < last; i++) {
            Module m = layers.get(i).module();
            Parameter w = weightOf(m);
            if (w == null) {
                continue;
            }
            Parameter b = biasOf(m);
            int groups = w.shape()[0];
            int per = w.size() / groups;
            double[] s = new double[groups];
            for (int g = 0; g < groups; g++) {
                double abs = 0;
                double sq = 0;
                for (int j = 0; j < per; j++) {
                    float v = w.value()[g * per + j];
                    abs += Math.abs(v);
                    sq += (double) v * v;
                }
                if (b != null) {
                    abs += Math.abs(b.value()[g]);
                    sq += (double) b.value()[g] * b.value()[g];
                }
                s[g] = norm.of(abs, sq);
            }
            out.put(layers.get(i).name(), s);
        }
        return out;
    }

    /** A plan removing the {@code fraction} lowest-scored groups of every removable producer (at least one kept). */
    public static Plan planFraction(Sequential model, GroupNorm norm, double fraction) {
        Map<String, int[]> keep = new LinkedHashMap<>();
        Map<String, Integer> before = new LinkedHashMap<>();
        groupScores(model, norm).forEach((name, s) -> {
            Integer[] idx = new Integer[s.length];
            for (int i = 0; i < s.length; i++) {
                idx[i] = i;
            }
            java.util.Arrays.sort(idx, (a, b) -> s[a] != s[b] ? Double.compare(s[b], s[a]) : Integer.compare(a, b));
            int k = Math.max(1, s.length - (int) Math.round(fraction * s.length));
            int[] kept = new int[k];
            for (int i = 0; i < k; i++) {
                kept[i] = idx[i];
            }
            java.util.Arrays.sort(kept);
            keep.put(name, kept);
            before.put(name, s.length);
        });
        return new Plan(keep, before, model.parameterCount());
    }

    /** A plan removing the groups whose norm is at most {@code epsilon} (at least one kept per layer). */
    public static Plan planThreshold(Sequential model, GroupNorm norm, double epsilon) {
        Map<String, int[]> keep = new LinkedHashMap<>();
        Map<String, Integer> before = new LinkedHashMap<>();
        groupScores(model, norm).forEach((name, s) -> {
            List<Integer> k = new ArrayList<>();
            int best = 0;
            for (int i = 0; i < s.length; i++) {
                if (s[i] > epsilon) {
                    k.add(i);
                }
                if (s[i] > s[best]) {
                    best = i;
                }
            }
            if (k.isEmpty()) {
                k.add(best);
            }
            keep.put(name, k.stream().mapToInt(Integer::intValue).toArray());
            before.put(name, s.length);
        });
        return new Plan(keep, before, model.parameterCount());
    }

    /**
     * Masks the removed groups in place instead of removing them (weights, bias and BatchNorm
     * γ, β of each removed group set to zero by masks): the model {@link #apply} must match.
     */
    public static void maskInPlace(Sequential model, Plan plan) {
        List<Sequential.Named> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            int[] kept = plan.keep().get(layers.get(i).name());
            if (kept == null) {
                continue;
            }
            Module m = layers.get(i).module();
            maskRows(weightOf(m), kept);
            maskRows(biasOf(m), kept);
            for (int j = i + 1; j < layers.size() && !isProducer(layers.get(j).module()); j++) {
                if (layers.get(j).module() instanceof BatchNorm bn) {
                    maskRows(bn.gamma(), kept);
                    maskRows(bn.beta(), kept);
                }
            }
        }
    }

    private static void maskRows(Parameter p, int[] kept) {
        if (p == null) {
            return;
        }
        int rows = p.shape()[0];
        int per = p.size() / rows;
        float[] mask = p.mask() == null ? ones(p.size()) : p.mask().clone();
        boolean[] keep = new boolean[rows];
        for (int k : kept) {
            keep[k] = true;
        }
        for (int r = 0; r < rows; r++) {
            if (!keep[r]) {
                java.util.Arrays.fill(mask, r * per, (r + 1) * per, 0f);
            }
        }
        p.setMask(mask);
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /** Builds the smaller model. {@code inputShape}: [C, H, W] of one sample (for Flatten sizes). */
    public static Sequential apply(Sequential model, Plan plan, int... inputShape) {
        List<Sequential.Named> layers = model.layers();
        int[][] outShapes = shapes(model, inputShape);
        List<Module> next = new ArrayList<>();
        for (Sequential.Named n : layers) {
            next.add(n.module().copy());
        }
        for (int i = 0; i < layers.size(); i++) {
            int[] kept = plan.keep().get(layers.get(i).name());
            if (kept == null) {
                continue;
            }
            next.set(i, sliceOutputs(next.get(i), kept));
            int spatial = 1;
            int j = i + 1;
            for (; j < layers.size() && !isProducer(next.get(j)); j++) {
                Module m = next.get(j);
                if (m instanceof BatchNorm bn) {
                    next.set(j, sliceBatchNorm(bn, kept));
                } else if (m instanceof Flatten) {
                    int[] s = outShapes[j - 1]; // [C, H, W] before flattening
                    spatial = s.length == 3 ? s[1] * s[2] : 1;
                } else if (!(m instanceof Act || m instanceof Dropout || m instanceof Pool2d)) {
                    throw new IllegalArgumentException("structured removal cannot pass layer '" + layers.get(j).name() + "' (" + m.getClass().getSimpleName() + ")");
                }
            }
            if (j == layers.size()) {
                throw new IllegalArgumentException("layer '" + layers.get(i).name() + "' has no consumer; the output layer cannot be removed");
            }
            next.set(j, sliceInputs(next.get(j), kept, spatial));
        }
        List<Sequential.Named> named = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            named.add(new Sequential.Named(layers.get(i).name(), next.get(i)));
        }
        return new Sequential(named);
    }

    /** Output shape (without batch) after each layer for one sample of {@code inputShape}. */
    private static int[][] shapes(Sequential model, int[] inputShape) {
        int[] s = new int[inputShape.length + 1];
        s[0] = 1;
        System.arraycopy(inputShape, 0, s, 1, inputShape.length);
        int n = 1;
        for (int d : s) {
            n *= d;
        }
        Variable x = Variable.constant(new float[n], s);
        int[][] out = new int[model.layers().size()][];
        for (int i = 0; i < out.length; i++) {
            x = model.layers().get(i).module().forward(x, Pass.eval());
            int[] full = x.shape();
            out[i] = java.util.Arrays.copyOfRange(full, 1, full.length);
        }
        return out;
    }

    static boolean isProducer(Module m) {
        return m instanceof Linear || m instanceof Conv2d;
    }

    private static int lastProducer(List<Sequential.Named> layers) {
        int last = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (isProducer(layers.get(i).module())) {
                last = i;
            }
        }
        return last;
    }

    private static Parameter weightOf(Module m) {
        return m instanceof Linear l ? l.weight() : m instanceof Conv2d c ? c.weight() : null;
    }

    private static Parameter biasOf(Module m) {
        return m instanceof Linear l ? l.bias() : m instanceof Conv2d c ? c.bias() : null;
    }

    /** Rows (dim 0) of p at the kept indices, with the mask sliced alike. */
    private static Parameter rows(Parameter p, int[] kept) {
        if (p == null) {
            return null;
        }
        int[] shape = p.shape();
        int per = p.size() / shape[0];
        float[] v = new float[kept.length * per];
        float[] m = p.mask() == null ? null : new float[v.length];
        for (int i = 0; i < kept.length; i++) {
            System.arraycopy(p.value(), kept[i] * per, v, i * per, per);
            if (m != null) {
                System.arraycopy(p.mask(), kept[i] * per, m, i * per, per);
            }
        }
        shape[0] = kept.length;
        Parameter q = Parameter.of(p.role(), v, shape);
        q.setMask(m);
        return q;
    }

    /** Slices dim 1 of p: the kept input channels, each {@code spatial} consecutive columns wide (dims 2.. folded in). */
    private static Parameter inputs(Parameter p, int[] kept, int spatial) {
        int[] shape = p.shape();
        int rows = shape[0];
        int cols = p.size() / rows;
        int groupWidth = p.shape().length == 4 ? shape[2] * shape[3] : spatial;
        int newCols = kept.length * groupWidth;
        float[] v = new float[rows * newCols];
        float[] m = p.mask() == null ? null : new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < kept.length; i++) {
                System.arraycopy(p.value(), r * cols + kept[i] * groupWidth, v, r * newCols + i * groupWidth, groupWidth);
                if (m != null) {
                    System.arraycopy(p.mask(), r * cols + kept[i] * groupWidth, m, r * newCols + i * groupWidth, groupWidth);
                }
            }
        }
        if (shape.length == 4) {
            shape[1] = kept.length;
        } else {
            shape[1] = newCols;
        }
        Parameter q = Parameter.of(p.role(), v, shape);
        q.setMask(m);
        return q;
    }

    private static Module sliceOutputs(Module m, int[] kept) {
        if (m instanceof Linear l) {
            return new Linear(rows(l.weight(), kept), rows(l.bias(), kept), l.dropConnect());
        }
        Conv2d c = (Conv2d) m;
        return new Conv2d(rows(c.weight(), kept), rows(c.bias(), kept), c.spec());
    }

    private static Module sliceInputs(Module m, int[] kept, int spatial) {
        if (m instanceof Linear l) {
            return new Linear(inputs(l.weight(), kept, spatial), l.bias(), l.dropConnect());
        }
        Conv2d c = (Conv2d) m;
        return new Conv2d(inputs(c.weight(), kept, 1), c.bias(), c.spec());
    }

    private static BatchNorm sliceBatchNorm(BatchNorm bn, int[] kept) {
        float[] rm = new float[kept.length];
        float[] rv = new float[kept.length];
        for (int i = 0; i < kept.length; i++) {
            rm[i] = bn.runningMean()[kept[i]];
            rv[i] = bn.runningVar()[kept[i]];
        }
        return new BatchNorm(rows(bn.gamma(), kept), rows(bn.beta(), kept), rm, rv, bn.momentum(), bn.eps());
    }
}
