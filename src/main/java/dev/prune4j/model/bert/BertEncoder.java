package dev.prune4j.model.bert;

import dev.prune4j.core.BadInputException;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.model.LinearPlanner;
import dev.prune4j.model.LinearRuntime;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT encoder forward pass: embeddings (word + position + token type) and LayerNorm, then
 * post-LayerNorm blocks {@code x = LN(x + Attn(x)); x = LN(x + W2·act(W1·x))}. Sequences are
 * packed without padding ({@link TokenBatch}); linear layers run over all tokens of the batch at
 * once, attention per sequence and head.
 *
 * <p>Under the default {@link LinearRuntime.Mode#F32} runtime the linear layers multiply by the
 * live {@link Linear} arrays (pruning edits them in place); other runtimes plan an operator per
 * weight once ({@link LinearPlanner}, calibrated for a batch of {@link #PLAN_ROWS} token rows).
 */
public final class BertEncoder {
    /** Sees the input of the linear layers (for calibration statistics); may be null. */
    @FunctionalInterface
    public interface LinearHook {
        /**
         * x: [rows, in] is the input about to be multiplied by the weights named {@code names}
         * (parameter names such as {@code encoder.layer.0.attention.self.query.weight}; q, k and v
         * share one input and come in one call).
         */
        void input(List<String> names, float[] x, int rows, int in);
    }

    /** Token rows per product the sparse formats are calibrated for (a batch of short sentences). */
    public static final int PLAN_ROWS = 128;
    /** Token rows per unit when row-wise work is shared among the kernel threads. */
    private static final int ROW_GRAIN = 8;
    /** Single-thread GEMM rate assumed for the parallel/serial decision (flop per ns). */
    private static final long FLOP_PER_NS = 50;

    private final BertConfig config;
    private final BertWeights weights;
    private final Kernels k;
    private final LinearRuntime runtime;
    /** Parameter name → operator; empty under the F32 runtime. */
    private final Map<String, SparseMatrix> ops = new LinkedHashMap<>();
    private final List<LinearPlanner.Planned> plan = new ArrayList<>();

    public BertEncoder(BertConfig config, BertWeights weights) {
        this(config, weights, Kernels.get());
    }

    public BertEncoder(BertConfig config, BertWeights weights, Kernels kernels) {
        this(config, weights, kernels, LinearRuntime.f32());
    }

    /** An encoder whose linear layers run under {@code runtime}. */
    public BertEncoder(BertConfig config, BertWeights weights, Kernels kernels, LinearRuntime runtime) {
        this.config = config;
        this.weights = weights;
        this.k = kernels;
        this.runtime = runtime;
        if (runtime.mode() != LinearRuntime.Mode.F32) {
            LinearPlanner planner = new LinearPlanner(runtime);
            for (int l = 0; l < config.numLayers(); l++) {
                BertWeights.Block b = weights.blocks().get(l);
                String p = "encoder.layer." + l + ".";
                Linear[] lin = {b.query(), b.key(), b.value(), b.attentionOutput(), b.intermediate(), b.output()};
                String[] names = {"attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight",
                    "attention.output.dense.weight", "intermediate.dense.weight", "output.dense.weight"};
                for (int i = 0; i < lin.length; i++) {
                    LinearPlanner.Planned pl = planner.plan(p + names[i], Tensor.wrap(lin[i].weight(), lin[i].out(),
                            lin[i].in()), PLAN_ROWS);
                    plan.add(pl);
                    ops.put(p + names[i], pl.op());
                }
            }
        }
    }

    public LinearRuntime runtime() {
        return runtime;
    }

    /** What each linear layer became, in forward order; empty under the F32 runtime. */
    public List<LinearPlanner.Planned> plan() {
        return List.copyOf(plan);
    }

    public BertConfig config() {
        return config;
    }

    public BertWeights weights() {
        return weights;
    }

    /** Last hidden states, x: [batch.tokens(), hidden], rows in packed order. */
    public float[] forward(TokenBatch batch) {
        return forward(batch, null);
    }

    /** As {@link #forward(TokenBatch)}, calling {@code hook} before every linear layer. */
    public float[] forward(TokenBatch batch, LinearHook hook) {
        float[] x = embed(batch); // x: [tokens, hidden]
        for (int l = 0; l < config.numLayers(); l++) {
            forwardLayer(l, x, batch, hook);
        }
        return x;
    }

    /** Runs block {@code l} in place on x: [batch.tokens(), hidden] (hook may be null). */
    public void forwardLayer(int l, float[] x, TokenBatch batch, LinearHook hook) {
        int h = config.hiddenSize();
        int tokens = batch.tokens();
        float[] q = new float[tokens * h];
        float[] kk = new float[tokens * h];
        float[] v = new float[tokens * h];
        float[] ctx = new float[tokens * h];
        float[] tmp = new float[tokens * h];
        float[] ff = new float[tokens * config.intermediateSize()];
        int maxLen = 0;
        for (int s = 0; s < batch.size(); s++) {
            maxLen = Math.max(maxLen, batch.length(s));
        }
        BertWeights.Block b = weights.blocks().get(l);
        String p = "encoder.layer." + l + ".";
        if (hook != null) {
            hook.input(List.of(p + "attention.self.query.weight", p + "attention.self.key.weight",
                    p + "attention.self.value.weight"), x, tokens, h);
        }
        // Row-wise work runs in a few parallel regions over token rows, each thread doing every
        // step on its own rows (its own packing of the activations, bias copies, norms), instead
        // of one fork per product with a serial packing step in each.
        long qkvNanos = 2L * tokens * 3 * h * h / FLOP_PER_NS;
        Parallel.forRange(tokens, ROW_GRAIN, qkvNanos, (r0, r1) -> {
            apply(b.query(), p + "attention.self.query.weight", x, r0, r1, q);   // q: [tokens, hidden]
            apply(b.key(), p + "attention.self.key.weight", x, r0, r1, kk);      // k: [tokens, hidden]
            apply(b.value(), p + "attention.self.value.weight", x, r0, r1, v);   // v: [tokens, hidden]
        });
        attention(batch, q, kk, v, ctx, maxLen);
        int inter = config.intermediateSize();
        long outNanos = 2L * tokens * h * h / FLOP_PER_NS;
        long ffNanos = 2L * tokens * h * inter / FLOP_PER_NS;
        if (hook == null) {
            Parallel.forRange(tokens, ROW_GRAIN, outNanos + 2 * ffNanos, (r0, r1) -> {
                attentionOutput(b, p, ctx, tmp, x, r0, r1);
                feedForwardIn(b, p, x, ff, r0, r1);
                feedForwardOut(b, p, ff, tmp, x, r0, r1);
            });
            return;
        }
        hook.input(List.of(p + "attention.output.dense.weight"), ctx, tokens, h);
        Parallel.forRange(tokens, ROW_GRAIN, outNanos, (r0, r1) -> attentionOutput(b, p, ctx, tmp, x, r0, r1));
        hook.input(List.of(p + "intermediate.dense.weight"), x, tokens, h);
        Parallel.forRange(tokens, ROW_GRAIN, ffNanos, (r0, r1) -> feedForwardIn(b, p, x, ff, r0, r1));
        hook.input(List.of(p + "output.dense.weight"), ff, tokens, inter);
        Parallel.forRange(tokens, ROW_GRAIN, ffNanos, (r0, r1) -> feedForwardOut(b, p, ff, tmp, x, r0, r1));
    }

    /** Rows [r0, r1): x = LN(x + ctx·Woᵀ + bo); tmp is scratch [tokens, hidden]. */
    private void attentionOutput(BertWeights.Block b, String p, float[] ctx, float[] tmp, float[] x, int r0, int r1) {
        apply(b.attentionOutput(), p + "attention.output.dense.weight", ctx, r0, r1, tmp);
        addNorm(x, tmp, b.attentionNormWeight(), b.attentionNormBias(), r0, r1);
    }

    /** Rows [r0, r1): ff = act(x·W1ᵀ + b1), ff: [tokens, intermediate]. */
    private void feedForwardIn(BertWeights.Block b, String p, float[] x, float[] ff, int r0, int r1) {
        apply(b.intermediate(), p + "intermediate.dense.weight", x, r0, r1, ff);
        int inter = config.intermediateSize();
        switch (config.activation()) {
            case GELU -> k.gelu(ff, r0 * inter, (r1 - r0) * inter);
            case GELU_TANH -> k.geluTanh(ff, r0 * inter, (r1 - r0) * inter);
        }
    }

    /** Rows [r0, r1): x = LN(x + ff·W2ᵀ + b2); tmp is scratch [tokens, hidden]. */
    private void feedForwardOut(BertWeights.Block b, String p, float[] ff, float[] tmp, float[] x, int r0, int r1) {
        apply(b.output(), p + "output.dense.weight", ff, r0, r1, tmp);
        addNorm(x, tmp, b.outputNormWeight(), b.outputNormBias(), r0, r1);
    }

    /** Rows [r0, r1) of y: [rows, out] = x: [rows, in]·Wᵀ + b, by the planned operator when there is one. */
    private void apply(Linear lin, String name, float[] x, int r0, int r1, float[] y) {
        int rows = r1 - r0;
        if (rows <= 0) {
            return;
        }
        int in = lin.in();
        int out = lin.out();
        SparseMatrix op = ops.get(name);
        if (op == null) {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(lin.bias(), 0, y, r * out, out);
            }
            k.gemmT(rows, out, in, x, r0 * in, in, lin.weight(), 0, in, 1f, y, r0 * out, out);
            return;
        }
        if (rows == 1) {
            op.matvec(x, r0 * in, y, r0 * out);
        } else {
            op.gemmT(rows, x, r0 * in, in, y, r0 * out, out);
        }
        for (int r = r0; r < r1; r++) {
            k.add(out, y, r * out, lin.bias(), 0, y, r * out);
        }
    }

    /** x[t] = LN(word[id] + position[t − start] + type[typeId]). */
    public float[] embed(TokenBatch batch) {
        int h = config.hiddenSize();
        float[] x = new float[batch.tokens() * h];
        int row = 0;
        for (int s = 0; s < batch.size(); s++) {
            int[] ids = batch.ids().get(s);
            int[] types = batch.typeIds().get(s);
            if (ids.length > config.maxPositions()) {
                throw new BadInputException("sequence " + s + " has " + ids.length + " tokens; this encoder takes at most "
                        + config.maxPositions() + " (truncate the input)");
            }
            for (int t = 0; t < ids.length; t++, row++) {
                int id = ids[t];
                int type = types[t];
                if (id < 0 || id >= config.vocabSize() || type < 0 || type >= config.typeVocabSize()) {
                    throw new BadInputException("sequence " + s + " token " + t + ": id " + id + " / type " + type
                            + " outside the vocabulary (" + config.vocabSize() + " ids, " + config.typeVocabSize() + " types)");
                }
                System.arraycopy(weights.wordEmbeddings(), id * h, x, row * h, h);
                k.add(h, x, row * h, weights.tokenTypeEmbeddings(), type * h, x, row * h);
                k.add(h, x, row * h, weights.positionEmbeddings(), t * h, x, row * h);
            }
        }
        k.layerNorm(x, 0, weights.embeddingNormWeight(), weights.embeddingNormBias(), (float) config.layerNormEps(),
                x, 0, batch.tokens(), h);
        return x;
    }

    /**
     * ctx = softmax(q·kᵀ/√d)·v per sequence and head; q, k, v, ctx: [tokens, hidden]. The
     * (sequence, head) pairs are independent and each is too small to split, so the pairs are
     * shared out among the kernel threads (each with its own score buffer).
     */
    private void attention(TokenBatch batch, float[] q, float[] kk, float[] v, float[] ctx, int maxLen) {
        int heads = config.numHeads();
        int d = config.headSize();
        int[] starts = new int[batch.size()];
        long flops = 0;
        for (int s = 1; s < batch.size(); s++) {
            starts[s] = starts[s - 1] + batch.length(s - 1);
        }
        for (int s = 0; s < batch.size(); s++) {
            flops += 4L * batch.length(s) * batch.length(s) * d * heads;
        }
        // ≈ 5 flop/ns for these tiny products with their softmax
        Parallel.forRange(batch.size() * heads, 1, flops / 5, (p0, p1) -> {
            float[] scores = new float[maxLen * maxLen]; // scores: [n, n]
            for (int p = p0; p < p1; p++) {
                int s = p / heads;
                attendHead(batch.length(s), starts[s], p % heads, q, kk, v, ctx, scores);
            }
        });
    }

    /** One head of one sequence of n tokens starting at packed row {@code start}. */
    private void attendHead(int n, int start, int head, float[] q, float[] kk, float[] v, float[] ctx, float[] scores) {
        int h = config.hiddenSize();
        int d = config.headSize();
        float scale = (float) (1.0 / Math.sqrt(d));
        int off = start * h + head * d;
        // scores: [n, n] = q_h·k_hᵀ
        k.gemmT(n, n, d, q, off, h, kk, off, h, 0f, scores, 0, n);
        k.scale(n * n, scale, scores, 0);
        k.softmax(scores, 0, n, n, n);
        // ctx_h: [n, d] = scores·v_h
        k.gemm(n, d, n, scores, 0, n, v, off, h, 0f, ctx, off, h);
    }

    /** Rows [r0, r1) of x = LN(x + y). */
    private void addNorm(float[] x, float[] y, float[] gamma, float[] beta, int r0, int r1) {
        int h = config.hiddenSize();
        k.add((r1 - r0) * h, y, r0 * h, x, r0 * h, x, r0 * h);
        k.layerNorm(x, r0 * h, gamma, beta, (float) config.layerNormEps(), x, r0 * h, r1 - r0, h);
    }
}
