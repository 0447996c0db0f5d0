package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Sequential one-shot pruning as in the SparseGPT and Wanda reference implementations: block by
 * block, the statistics of every linear layer in block l come from one forward of block l with
 * its dense weights, fed with the block inputs produced by the already-pruned blocks 0..l−1; then
 * the block's linears are pruned and its outputs recomputed with the pruned weights to feed block
 * l+1 ({@link Sequential#BLOCK}, the default). With {@link Sequential#LAYER} each linear layer's
 * statistics also reflect the already-pruned layers before it inside the block, in a single
 * forward per block ({@link LayerSequentialPass}). Memory holds the model plus one block's
 * statistics and the calibration hidden states — never the activations of all layers.
 */
public final class OneShotPruner {

    /** What to prune and how. */
    public record Plan(LayerPruner pruner, Sparsity sparsity, Allocation allocation, List<String> scopePatterns,
                       Map<String, Double> overrides, Sequential sequential) {
        /** A block-sequential plan (the reference implementations' order). */
        public Plan(LayerPruner pruner, Sparsity sparsity, Allocation allocation, List<String> scopePatterns,
                    Map<String, Double> overrides) {
            this(pruner, sparsity, allocation, scopePatterns, overrides, Sequential.BLOCK);
        }

        public Plan {
            scopePatterns = List.copyOf(scopePatterns);
            overrides = Map.copyOf(overrides);
            if (sequential == null) {
                throw new IllegalArgumentException("sequential must be BLOCK or LAYER, found null");
            }
            if (allocation instanceof Allocation.OutlierWeighted && sparsity instanceof Sparsity.NofM) {
                throw new BadInputException("OWL allocation needs a fractional sparsity, not N:M " + sparsity.label());
            }
            if (allocation instanceof Allocation.Global && !(pruner instanceof LayerPruner.ScoreAndSelect)) {
                throw new BadInputException("global allocation needs a score-and-select method (magnitude, wanda, ria, random), not " + pruner.name());
            }
        }
    }

    /**
     * Where the statistics of a block's linear layers come from. BLOCK: one forward of the block
     * with its dense weights (SparseGPT's and Wanda's reference code), then a second forward with
     * the pruned weights for the next block's inputs. LAYER: one forward in which every layer's
     * inputs come from the already-pruned layers before it in the block (GPTQ's "true
     * sequential"); its outputs feed the next block directly, so a block is run once, not twice.
     */
    public enum Sequential {
        BLOCK, LAYER;

        /** "block" or "layer" (case-insensitive). */
        public static Sequential parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "block" -> BLOCK;
                case "layer" -> LAYER;
                default -> throw new BadInputException("sequential: expected block or layer, found '" + s + "'");
            };
        }
    }

    /** One pruned layer: target and achieved sparsity and reconstruction error (NaN if not measured). */
    public record LayerResult(String name, int block, int out, int in, String target, double achieved, long pruned,
                              double reconError, double reconErrorRelative, double seconds) {
    }

    /** The {@link PhaseTimes} event counting blocks run again after pruning (to feed the next block). */
    public static final String PRUNED_FORWARD_BLOCKS = "pruned forward blocks";

    /** Largest input width for which the Gram matrix is collected just to report reconstruction error. */
    static final int RECON_GRAM_LIMIT = 4096;

    private OneShotPruner() {
    }

    /** Layers whose names match any pattern (Java regex, full match); an unmatched pattern is an error. */
    public static Predicate<String> scope(BlockwiseModel model, List<String> patterns) {
        List<Pattern> ps = patterns.stream().map(Pattern::compile).toList();
        for (Pattern p : ps) {
            boolean hit = false;
            for (int b = 0; b < model.blocks() && !hit; b++) {
                for (String name : model.linearNames(b)) {
                    if (p.matcher(name).matches()) {
                        hit = true;
                        break;
                    }
                }
            }
            if (!hit) {
                List<String> names = model.linearNames(0);
                throw new BadInputException("scope pattern '" + p + "' matches no linear layer; layers of block 0 are " + names);
            }
        }
        return name -> ps.isEmpty() || ps.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** Runs the plan on {@code model} with its calibration samples; weights change in place. */
    public static List<LayerResult> run(BlockwiseModel model, Plan plan, Progress progress) {
        return run(model, plan, progress, new PhaseTimes());
    }

    /** {@link #run(BlockwiseModel, Plan, Progress)}, adding where the time went to {@code times}. */
    public static List<LayerResult> run(BlockwiseModel model, Plan plan, Progress progress, PhaseTimes times) {
        Predicate<String> inScope = scope(model, plan.scopePatterns());
        if (model.streamsBlocks() && !(plan.allocation() instanceof Allocation.Uniform)) {
            throw new BadInputException("block-streaming pruning supports uniform allocation only (" + plan.allocation()
                    + " looks at all blocks' weights before pruning); use the in-memory path");
        }
        LayerPruner pruner = plan.pruner();
        boolean calib = pruner.needsCalibration() || plan.allocation() instanceof Allocation.OutlierWeighted;
        int d = model.hiddenSize();

        List<float[]> hidden = new ArrayList<>();
        if (calib) {
            for (int i = 0; i < model.samples(); i++) {
                hidden.add(model.embed(i));
            }
        }
        if (calib && model.samples() == 0) {
            throw new BadInputException(pruner.name() + " needs calibration samples, none were given");
        }
        double[] blockSparsity = blockSparsities(model, plan, inScope);
        Map<String, Double> globalSparsity = plan.allocation() instanceof Allocation.Global
                ? globalSparsities(model, plan, inScope) : Map.of();

        List<LayerResult> results = new ArrayList<>();
        long total = totalLinears(model, inScope);
        for (int b = 0; b < model.blocks(); b++) {
            model.beginBlock(b);
            List<BlockwiseModel.Linear> linears = model.linears(b).stream().filter(l -> inScope.test(l.name())).toList();
            Map<String, LayerStats> stats = new HashMap<>();
            Map<String, BlockwiseModel.Linear> byName = new LinkedHashMap<>();
            linears.forEach(l -> byName.put(l.name(), l));
            int block = b;
            // results.size() is the number of layers pruned so far, in every block
            java.util.function.Consumer<BlockwiseModel.Linear> pruneOne = l -> {
                progress.step(results.size(), total, l.name());
                results.add(pruneLayer(l, block, plan, pruner, stats.get(l.name()), blockSparsity, globalSparsity, times));
            };
            boolean gram = pruner.needsGram();
            if (calib && !linears.isEmpty() && plan.sequential() == Sequential.LAYER) {
                layerSequential(model, b, hidden, byName, stats, gram, times, pruneOne);
            } else {
                if (calib && !linears.isEmpty()) {
                    for (int wi = 0; wi < model.samples(); wi++) {
                        // the block's output is not needed here: observe its linear inputs only
                        float[] h = hidden.get(wi).clone();
                        PhaseTimes.ForwardClock clock = times.forward("dense forward");
                        model.observeBlock(b, h, wi, (names, x, t, in) -> observe(clock, stats, byName, gram, times, names, x, t, in));
                        clock.end();
                    }
                    finish(stats.values(), times);
                }
                linears.forEach(pruneOne);
                // the pruned block's outputs feed the next block; after the last block nothing reads them
                if (calib && b + 1 < model.blocks()) {
                    for (int wi = 0; wi < model.samples(); wi++) {
                        PhaseTimes.ForwardClock clock = times.forward("pruned forward");
                        model.forwardBlock(b, hidden.get(wi), wi, (names, x, t, in) -> clock.at(names));
                        clock.end();
                    }
                    times.count(PRUNED_FORWARD_BLOCKS);
                }
            }
            progress.step(results.size(), total, "block " + b);
            model.endBlock(b);
        }
        return results;
    }

    /**
     * {@link Sequential#LAYER} for block {@code b}: one forward of every sample, paused at each
     * group of wanted linears until they are pruned; the block's outputs replace {@code hidden}.
     */
    private static void layerSequential(BlockwiseModel model, int b, List<float[]> hidden,
                                        Map<String, BlockwiseModel.Linear> byName, Map<String, LayerStats> stats, boolean gram,
                                        PhaseTimes times, java.util.function.Consumer<BlockwiseModel.Linear> pruneOne) {
        PhaseTimes.ForwardClock[] clocks = new PhaseTimes.ForwardClock[model.samples()];
        java.util.Set<String> pruned = new java.util.HashSet<>();
        LayerSequentialPass.run(model, b, hidden, names -> names.stream().anyMatch(byName::containsKey),
                new LayerSequentialPass.Sink() {
                    @Override
                    public void start(int sample) {
                        clocks[sample] = times.forward("layer-sequential forward");
                    }

                    @Override
                    public void observe(int sample, List<String> names, float[] x, int t, int in) {
                        OneShotPruner.observe(clocks[sample], stats, byName, gram, times, names, x, t, in);
                    }

                    @Override
                    public void resumed(int sample) {
                        clocks[sample].resume();
                    }

                    @Override
                    public void end(int sample) {
                        clocks[sample].end();
                    }
                },
                names -> {
                    finish(names.stream().map(stats::get).filter(java.util.Objects::nonNull).toList(), times);
                    names.stream().filter(n -> byName.containsKey(n) && pruned.add(n)).forEach(n -> pruneOne.accept(byName.get(n)));
                });
        // layers the model never showed an input for are pruned without statistics, as in BLOCK
        byName.values().stream().filter(l -> pruned.add(l.name())).forEach(pruneOne);
    }

    /** One linear input during a calibration forward: statistics for the wanted linears that consume it, timed apart. */
    private static void observe(PhaseTimes.ForwardClock clock, Map<String, LayerStats> stats,
                                Map<String, BlockwiseModel.Linear> wanted, boolean gram, PhaseTimes times,
                                List<String> names, float[] x, int tokens, int in) {
        clock.at(names);
        long s0 = System.nanoTime();
        collect(stats, names, wanted::containsKey, x, tokens, in, gram || in <= RECON_GRAM_LIMIT);
        times.add("statistics (X sums, XᵀX)", System.nanoTime() - s0);
        clock.resume();
    }

    /** Finishes each distinct statistics object once (q/k/v share one), timed as statistics. */
    private static void finish(java.util.Collection<LayerStats> stats, PhaseTimes times) {
        long f0 = System.nanoTime();
        stats.stream().distinct().forEach(LayerStats::finish);
        times.add("statistics (X sums, XᵀX)", System.nanoTime() - f0);
    }

    /** Prunes one linear layer in place and measures it. */
    private static LayerResult pruneLayer(BlockwiseModel.Linear l, int b, Plan plan, LayerPruner pruner, LayerStats st,
                                          double[] blockSparsity, Map<String, Double> globalSparsity, PhaseTimes times) {
        long t0 = System.nanoTime();
        Sparsity s = sparsityFor(l, b, plan, blockSparsity, globalSparsity);
        float[] before = st != null && st.hasGram() ? l.weight().clone() : null;
        Mask mask = s.fraction() == 0 ? new Mask(l.out(), l.in()) : pruner.prune(l.weight(), l.out(), l.in(), st, s);
        long t1 = System.nanoTime();
        double secs = (t1 - t0) / 1e9;
        times.add("prune " + PhaseTimes.shortName(l.name()), t1 - t0);
        double[] err = before != null ? st.reconstructionError(before, l.weight(), l.out()) : new double[] {Double.NaN, Double.NaN};
        times.add("reconstruction error", System.nanoTime() - t1);
        return new LayerResult(l.name(), b, l.out(), l.in(), s.label(), mask.sparsity(), mask.prunedCount(),
                err[0], err[1], secs);
    }

    private static long totalLinears(BlockwiseModel model, Predicate<String> inScope) {
        long total = 0;
        for (int b = 0; b < model.blocks(); b++) {
            total += model.linearNames(b).stream().filter(inScope).count();
        }
        return total;
    }

    private static Sparsity sparsityFor(BlockwiseModel.Linear l, int block, Plan plan, double[] blockSparsity,
                                        Map<String, Double> global) {
        for (Map.Entry<String, Double> o : plan.overrides().entrySet()) {
            if (Pattern.compile(o.getKey()).matcher(l.name()).matches()) {
                return new Sparsity.Fraction(o.getValue());
            }
        }
        if (global.containsKey(l.name())) {
            return new Sparsity.Fraction(global.get(l.name()));
        }
        if (blockSparsity != null) {
            return new Sparsity.Fraction(blockSparsity[block]);
        }
        return plan.sparsity();
    }

    /** Accumulates X into the stats shared by every wanted linear that consumes it. */
    private static void collect(Map<String, LayerStats> stats, List<String> names, Predicate<String> wanted,
                                float[] x, int tokens, int in, boolean gram) {
        List<String> use = names.stream().filter(wanted).toList();
        if (use.isEmpty()) {
            return;
        }
        LayerStats s = stats.computeIfAbsent(use.get(0), k -> new LayerStats(in, gram));
        use.forEach(n -> stats.put(n, s));
        s.accumulate(x, tokens);
    }

    /** OWL: per-block sparsities from a dense calibration pass; null for other allocations. */
    private static double[] blockSparsities(BlockwiseModel model, Plan plan, Predicate<String> inScope) {
        if (!(plan.allocation() instanceof Allocation.OutlierWeighted owl)) {
            return null;
        }
        double[] ratios = new double[model.blocks()];
        List<float[]> hidden = new ArrayList<>();
        for (int i = 0; i < model.samples(); i++) {
            hidden.add(model.embed(i));
        }
        Wanda wanda = new Wanda();
        for (int b = 0; b < model.blocks(); b++) {
            Map<String, LayerStats> stats = new LinkedHashMap<>();
            for (int wi = 0; wi < model.samples(); wi++) {
                model.forwardBlock(b, hidden.get(wi), wi, (names, x, t, in) ->
                        collect(stats, names, inScope, x, t, in, false));
            }
            // concatenated Wanda scores of the block's linears
            List<float[]> all = new ArrayList<>();
            int n = 0;
            for (BlockwiseModel.Linear l : model.linears(b)) {
                LayerStats s = stats.get(l.name());
                if (s != null) {
                    float[] sc = wanda.score(l.weight(), l.out(), l.in(), s);
                    all.add(sc);
                    n += sc.length;
                }
            }
            float[] cat = new float[n];
            int o = 0;
            for (float[] a : all) {
                System.arraycopy(a, 0, cat, o, a.length);
                o += a.length;
            }
            ratios[b] = owl.outlierRatio(cat);
        }
        return owl.sparsities(ratios, plan.sparsity().fraction());
    }

    /** Global allocation: one threshold over all in-scope layers' scores (data-free criteria only). */
    private static Map<String, Double> globalSparsities(BlockwiseModel model, Plan plan, Predicate<String> inScope) {
        LayerPruner.ScoreAndSelect sas = (LayerPruner.ScoreAndSelect) plan.pruner();
        if (sas.criterion().needsCalibration()) {
            throw new BadInputException("global allocation compares scores across layers; use it with magnitude or random, not "
                    + sas.criterion().name() + " (its scores are not comparable across layers)");
        }
        List<float[]> scores = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long n = 0;
        for (int b = 0; b < model.blocks(); b++) {
            for (BlockwiseModel.Linear l : model.linears(b)) {
                if (inScope.test(l.name())) {
                    float[] s = sas.criterion().score(l.weight(), l.out(), l.in(), null);
                    scores.add(s);
                    names.add(l.name());
                    n += s.length;
                }
            }
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new BadInputException("global allocation over " + n + " weights exceeds one array; use uniform or owl");
        }
        float[] cat = new float[(int) n];
        int o = 0;
        for (float[] s : scores) {
            System.arraycopy(s, 0, cat, o, s.length);
            o += s.length;
        }
        int k = (int) Math.floor(plan.sparsity().fraction() * n);
        Map<String, Double> out = new HashMap<>();
        if (k == 0) {
            names.forEach(x -> out.put(x, 0.0));
            return out;
        }
        float t = dev.prune4j.kernels.Select.kthSmallest(cat, 0, cat.length, k - 1);
        for (int i = 0; i < scores.size(); i++) {
            long below = 0;
            for (float v : scores.get(i)) {
                if (v <= t) {
                    below++;
                }
            }
            out.put(names.get(i), Math.min(0.999999, (double) below / scores.get(i).length));
        }
        return out;
    }
}
