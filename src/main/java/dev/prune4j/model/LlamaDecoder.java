package dev.prune4j.model;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The forward pass of a LLaMA-like decoder ({@link LlamaConfig}) on float32 weights, for a block
 * of new tokens appended to a {@link KvCache}: batched prefill (one GEMM per projection over the
 * block) and token-by-token decoding (matrix-vector products) are the same code.
 *
 * <p>Per layer: {@code x += Wo·attn(rope(q), rope(k), v)} on {@code rmsnorm(x)}, then
 * {@code x += Wdown·(silu(Wgate·h) ⊙ Wup·h)} on {@code h = rmsnorm(x)} (SwiGLU, Shazeer 2020,
 * arXiv:2002.05202); RoPE as in Su et al. 2021 (arXiv:2104.09864) in the layout the weights
 * expect; grouped-query attention shares each key/value head among heads/kv_heads query heads.
 *
 * <p>Linear layers run under a {@link LinearRuntime}: {@link LinearRuntime.Mode#F32} (the default)
 * keeps live float32 arrays that pruning edits in place ({@link #linearWeights}); the other modes
 * turn each weight into an operator ({@link SparseMatrix}: dense in the stored precision, or a
 * sparse packing chosen per layer by {@link LinearPlanner}).
 */
public final class LlamaDecoder {
    /** Which logits {@link #forward} returns. */
    public enum Logits { ALL, LAST, NONE }

    /**
     * Receives the input X [tokens, in] of linear layers during {@link #forwardLayer}, once per
     * distinct input, with the parameter names of every linear that reads it (q/k/v share one).
     */
    @FunctionalInterface
    public interface LinearInputs {
        void observe(List<String> names, float[] x, int tokens, int in);
    }

    /** A linear layer's parameter name, shape and live float32 weights [out, in] (mutable). */
    public record LinearWeight(String name, int out, int in, float[] weight) {
    }

    private static final String[] LINEARS = {"self_attn.q_proj.weight", "self_attn.k_proj.weight",
        "self_attn.v_proj.weight", "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
        "mlp.down_proj.weight"};

    /** Operator indices in {@code Layer.ops}, in {@link #LINEARS} order. */
    private static final int Q = 0, K = 1, V = 2, O = 3, GATE = 4, UP = 5, DOWN = 6;

    /** One layer; the float32 weight arrays are set under the F32 runtime, {@code ops} under the others. */
    private record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] bq, float[] bk, float[] bv,
                         float[] qNorm, float[] kNorm, float[] wo, float[] bo, float[] ffnNorm, float[] wGate,
                         float[] wUp, float[] wDown, SparseMatrix[] ops) {
    }

    private final LlamaConfig cfg;
    private final Kernels kernels;
    private final LinearRuntime runtime;
    private final float[] embed;     // [vocab, hidden] (F32 runtime; else rows come from embedTable)
    private final Tensor embedTable; // [vocab, hidden] as stored
    private final Layer[] layers;
    private final float[] finalNorm; // [hidden]
    private final float[] lmHead;    // [vocab, hidden] (the embedding when tied); F32 runtime
    private final SparseMatrix lmHeadOp; // the same as an operator; other runtimes
    private final List<LinearPlanner.Planned> plan = new ArrayList<>();
    private final float[] invFreq;   // [head_dim / 2]
    private final Model streamSource; // where a streamed decoder loads layers from; null otherwise
    private final float eps;

    public LlamaDecoder(Model model) {
        this(model, Kernels.get());
    }

    public LlamaDecoder(Model model, Kernels kernels) {
        this(model, kernels, LinearRuntime.f32());
    }

    /** A decoder whose linear layers run under {@code runtime} (see {@link LinearRuntime}). */
    public LlamaDecoder(Model model, LinearRuntime runtime) {
        this(model, Kernels.get(), runtime);
    }

    public LlamaDecoder(Model model, Kernels kernels, LinearRuntime runtime) {
        this(model, kernels, runtime, false);
    }

    private LlamaDecoder(Model model, Kernels kernels, LinearRuntime runtime, boolean streamed) {
        if (!(model.architecture() instanceof LlamaConfig c)) {
            throw new IllegalArgumentException("LlamaDecoder needs a LlamaConfig model, found "
                    + model.architecture().modelType());
        }
        this.cfg = c;
        this.kernels = kernels;
        this.runtime = runtime;
        boolean live = runtime.mode() == LinearRuntime.Mode.F32;
        LinearPlanner planner = live ? null : new LinearPlanner(runtime);
        this.embedTable = model.parameter("model.embed_tokens.weight");
        this.embed = live && !streamed ? f32(model, "model.embed_tokens.weight") : null;
        this.layers = new Layer[c.layers()];
        this.streamSource = streamed ? model : null;
        for (int l = 0; l < c.layers() && !streamed; l++) {
            layers[l] = buildLayer(model, l, planner);
        }
        this.finalNorm = f32(model, "model.norm.weight");
        String head = c.tiedEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
        if (streamed) {
            this.lmHead = null;
            this.lmHeadOp = null;
        } else if (live) {
            this.lmHead = c.tiedEmbeddings() ? embed : f32(model, head);
            this.lmHeadOp = null;
        } else {
            this.lmHead = null;
            LinearPlanner.Planned p = planner.planDense(head, model.parameter(head)); // heads are not pruned
            plan.add(p);
            this.lmHeadOp = p.op();
        }
        this.invFreq = c.inverseFrequencies();
        this.eps = (float) c.rmsNormEps();
    }

    /**
     * A decoder for block-at-a-time work on a model too large for float32 in memory: nothing is
     * converted up front; {@link #loadLayer} materialises one layer's weights in float32 (copies of
     * the stored, usually memory-mapped, tensors) and {@link #unloadLayer} drops them. Token
     * embeddings are read row by row from the stored table. Only {@link #embedTokens},
     * {@link #forwardLayer} and {@link #linearWeights} of loaded layers are available; the full
     * forward and logits are not.
     */
    public static LlamaDecoder streamed(Model model) {
        return new LlamaDecoder(model, Kernels.get(), LinearRuntime.f32(), true);
    }

    /** Materialises layer {@code l}'s weights in float32 (a streamed decoder only). */
    public void loadLayer(int l) {
        requireStreamed();
        layers[l] = buildLayer(streamSource, l, null);
    }

    /** Drops layer {@code l}'s float32 weights (a streamed decoder only). */
    public void unloadLayer(int l) {
        requireStreamed();
        layers[l] = null;
    }

    private void requireStreamed() {
        if (streamSource == null) {
            throw new IllegalStateException("loadLayer/unloadLayer need a decoder made by LlamaDecoder.streamed");
        }
    }

    private Layer buildLayer(Model model, int l, LinearPlanner planner) {
        LlamaConfig c = cfg;
        boolean live = planner == null;
        SparseMatrix[] ops = null;
        if (!live) {
            ops = new SparseMatrix[LINEARS.length];
            for (int i = 0; i < LINEARS.length; i++) {
                String name = LlamaConfig.layer(l, LINEARS[i]);
                LinearPlanner.Planned p = planner.plan(name, model.parameter(name), 1);
                plan.add(p);
                ops[i] = p.op();
            }
        }
        return new Layer(f32(model, LlamaConfig.layer(l, "input_layernorm.weight")),
                live ? f32(model, LlamaConfig.layer(l, "self_attn.q_proj.weight")) : null,
                live ? f32(model, LlamaConfig.layer(l, "self_attn.k_proj.weight")) : null,
                live ? f32(model, LlamaConfig.layer(l, "self_attn.v_proj.weight")) : null,
                c.qkvBias() ? f32(model, LlamaConfig.layer(l, "self_attn.q_proj.bias")) : null,
                c.qkvBias() ? f32(model, LlamaConfig.layer(l, "self_attn.k_proj.bias")) : null,
                c.qkvBias() ? f32(model, LlamaConfig.layer(l, "self_attn.v_proj.bias")) : null,
                c.qkNorm() ? f32(model, LlamaConfig.layer(l, "self_attn.q_norm.weight")) : null,
                c.qkNorm() ? f32(model, LlamaConfig.layer(l, "self_attn.k_norm.weight")) : null,
                live ? f32(model, LlamaConfig.layer(l, "self_attn.o_proj.weight")) : null,
                c.outputBias() ? f32(model, LlamaConfig.layer(l, "self_attn.o_proj.bias")) : null,
                f32(model, LlamaConfig.layer(l, "post_attention_layernorm.weight")),
                live ? f32(model, LlamaConfig.layer(l, "mlp.gate_proj.weight")) : null,
                live ? f32(model, LlamaConfig.layer(l, "mlp.up_proj.weight")) : null,
                live ? f32(model, LlamaConfig.layer(l, "mlp.down_proj.weight")) : null, ops);
    }

    private static float[] f32(Model m, String name) {
        Tensor t = m.parameter(name).toF32();
        return t.floatArray();
    }

    public LlamaConfig config() {
        return cfg;
    }

    public LinearRuntime runtime() {
        return runtime;
    }

    /**
     * What each linear layer became (layers in forward order, then the output head); empty under
     * the F32 runtime.
     */
    public List<LinearPlanner.Planned> plan() {
        return List.copyOf(plan);
    }

    /** The parameter names of layer {@code l}'s seven linear layers, in forward order. */
    public static List<String> linearNames(int l) {
        return java.util.Arrays.stream(LINEARS).map(n -> LlamaConfig.layer(l, n)).toList();
    }

    /** The seven linear layers of layer {@code l} in forward order; their arrays are the live weights. */
    public List<LinearWeight> linearWeights(int l) {
        if (runtime.mode() != LinearRuntime.Mode.F32) {
            throw new IllegalStateException("live float32 linear weights exist only under the F32 runtime, this decoder runs "
                    + runtime.mode());
        }
        Layer w = layers[l];
        if (w == null) {
            throw new IllegalStateException("layer " + l + " is not loaded (streamed decoder: call loadLayer first)");
        }
        int d = cfg.hiddenSize();
        int inter = cfg.intermediateSize();
        float[][] arrays = {w.wq, w.wk, w.wv, w.wo, w.wGate, w.wUp, w.wDown};
        int[][] shapes = {{cfg.qDim(), d}, {cfg.kvDim(), d}, {cfg.kvDim(), d}, {d, cfg.qDim()}, {inter, d}, {inter, d},
            {d, inter}};
        java.util.ArrayList<LinearWeight> out = new java.util.ArrayList<>();
        for (int i = 0; i < LINEARS.length; i++) {
            out.add(new LinearWeight(LlamaConfig.layer(l, LINEARS[i]), shapes[i][0], shapes[i][1], arrays[i]));
        }
        return out;
    }

    /** Hidden states entering layer 0: the token embeddings, [tokens, hidden]. */
    public float[] embedTokens(int[] tokens) {
        int d = cfg.hiddenSize();
        float[] x = new float[tokens.length * d];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary of " + cfg.vocabSize());
            }
            embedRow(tokens[i], x, i * d);
        }
        return x;
    }

    /**
     * Runs layer {@code l} in place on {@code x} [t, hidden] for a fresh sequence of t tokens
     * (positions 0…t−1), reporting every linear input to {@code observer}. For calibration.
     */
    public void forwardLayer(int l, float[] x, int t, LinearInputs observer) {
        KvCache cache = KvCache.forLayer(cfg.layers(), l, t, cfg.kvDim()); // this layer's keys and values only
        layer(l, x, t, 0, cache, new Scratch(cfg, t, t), observer, false);
    }

    /**
     * Like {@link #forwardLayer}, but for calibration statistics only: stops once every linear
     * input has been reported, so the last projection (down_proj, about a fifth of the layer's
     * flops) is not computed and {@code x} is left holding the layer's intermediate state.
     */
    public void observeLayer(int l, float[] x, int t, LinearInputs observer) {
        KvCache cache = KvCache.forLayer(cfg.layers(), l, t, cfg.kvDim());
        layer(l, x, t, 0, cache, new Scratch(cfg, t, t), observer, true);
    }

    /** A cache for up to {@code capacity} positions (at most max_position_embeddings). */
    public KvCache newCache(int capacity) {
        if (capacity > cfg.maxPositions()) {
            throw new IllegalArgumentException("a sequence of " + capacity + " positions exceeds max_position_embeddings "
                    + cfg.maxPositions());
        }
        return new KvCache(cfg.layers(), capacity, cfg.kvDim());
    }

    /**
     * Runs {@code count} tokens from {@code tokens[from]} at positions {@code cache.length()}…,
     * appends their keys and values to the cache and returns the requested logits: ALL →
     * [count, vocab], LAST → [vocab], NONE → empty.
     */
    public float[] forward(int[] tokens, int from, int count, KvCache cache, Logits which) {
        return logits(hidden(tokens, from, count, cache), count, which);
    }

    /**
     * The final hidden states (after the final RMSNorm) of {@code count} new tokens:
     * [count, hidden]; appends to the cache like {@link #forward}.
     */
    public float[] hidden(int[] tokens, int from, int count, KvCache cache) {
        int p0 = cache.length();
        if (count <= 0 || p0 + count > cache.capacity()) {
            throw new IllegalArgumentException("cannot add " + count + " tokens to a KV cache holding " + p0 + " of "
                    + cache.capacity() + " positions");
        }
        int d = cfg.hiddenSize();
        int t = count;
        float[] x = new float[t * d]; // x: [tokens, hidden]
        for (int i = 0; i < t; i++) {
            int tok = tokens[from + i];
            if (tok < 0 || tok >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + tok + " outside the vocabulary of " + cfg.vocabSize());
            }
            embedRow(tok, x, i * d);
        }
        Scratch s = new Scratch(cfg, t, p0 + t);
        for (int l = 0; l < layers.length; l++) {
            layer(l, x, t, p0, cache, s, null, false);
        }
        cache.advance(t);
        kernels.rmsNorm(x, 0, finalNorm, 0, eps, x, 0, t, d);
        return x;
    }

    /** x[off … off + hidden) = the embedding of token {@code tok}. */
    private void embedRow(int tok, float[] x, int off) {
        int d = cfg.hiddenSize();
        if (embed != null) {
            System.arraycopy(embed, tok * d, x, off, d);
        } else {
            System.arraycopy(embedTable.slice(0, tok, tok + 1).toFloatArray(), 0, x, off, d);
        }
    }

    /** Logits of final hidden states h: [count, hidden]. */
    float[] logits(float[] h, int count, Logits which) {
        if (streamSource != null && which != Logits.NONE) {
            throw new IllegalStateException("a streamed decoder computes no logits; it is for block-at-a-time pruning");
        }
        int d = cfg.hiddenSize();
        int v = cfg.vocabSize();
        return switch (which) {
            case NONE -> new float[0];
            case LAST -> {
                float[] out = new float[v];
                if (lmHeadOp != null) {
                    lmHeadOp.matvec(h, (count - 1) * d, out, 0);
                } else {
                    kernels.matvec(v, d, lmHead, 0, d, h, (count - 1) * d, out, 0);
                }
                yield out;
            }
            case ALL -> {
                float[] out = new float[count * v]; // logits: [tokens, vocab]
                linear(h, count, d, lmHead, lmHeadOp, v, null, out);
                yield out;
            }
        };
    }

    /** Work buffers of one forward call. */
    private static final class Scratch {
        final float[] h;      // [t, hidden]
        final float[] q;      // [t, qDim]
        final float[] k;      // [t, kvDim]
        final float[] v;      // [t, kvDim]
        final float[] att;    // [t, qDim]
        final float[] scores; // [heads, query block, keys]; decode (t = 1): [heads, keys]
        final float[] gate;   // [t, inter]
        final float[] up;     // [t, inter]
        final float[] out;    // [t, hidden]

        Scratch(LlamaConfig c, int t, int keys) {
            h = new float[t * c.hiddenSize()];
            q = new float[t * c.qDim()];
            k = new float[t * c.kvDim()];
            v = new float[t * c.kvDim()];
            att = new float[t * c.qDim()];
            scores = new float[c.heads() * Math.max(1, Math.min(t, QUERY_BLOCK)) * keys];
            gate = new float[t * c.intermediateSize()];
            up = new float[t * c.intermediateSize()];
            out = new float[t * c.hiddenSize()];
        }
    }

    /** One layer in place on x; with {@code inputsOnly} it returns after reporting down_proj's input. */
    private void layer(int l, float[] x, int t, int p0, KvCache cache, Scratch s, LinearInputs obs, boolean inputsOnly) {
        Layer w = layers[l];
        if (w == null) {
            throw new IllegalStateException("layer " + l + " is not loaded (streamed decoder: call loadLayer first)");
        }
        int d = cfg.hiddenSize();
        int qDim = cfg.qDim();
        int kvDim = cfg.kvDim();
        int hd = cfg.headDim();
        int inter = cfg.intermediateSize();

        // attention block
        kernels.rmsNorm(x, 0, w.attnNorm, 0, eps, s.h, 0, t, d);    // h: [t, hidden]
        if (obs != null) {
            obs.observe(names(l, 0, 3), s.h, t, d);
        }
        linear(s.h, t, d, w.wq, op(w, Q), qDim, w.bq, s.q);                   // q: [t, heads·hd]
        linear(s.h, t, d, w.wk, op(w, K), kvDim, w.bk, s.k);                  // k: [t, kv_heads·hd]
        linear(s.h, t, d, w.wv, op(w, V), kvDim, w.bv, s.v);                  // v: [t, kv_heads·hd]
        if (w.qNorm != null) {
            kernels.rmsNorm(s.q, 0, w.qNorm, 0, eps, s.q, 0, t * cfg.heads(), hd);
            kernels.rmsNorm(s.k, 0, w.kNorm, 0, eps, s.k, 0, t * cfg.kvHeads(), hd);
        }
        for (int i = 0; i < t; i++) {
            kernels.rope(s.q, i * qDim, cfg.heads(), hd, p0 + i, invFreq, cfg.ropeLayout());
            kernels.rope(s.k, i * kvDim, cfg.kvHeads(), hd, p0 + i, invFreq, cfg.ropeLayout());
        }
        float[] kc = cache.keys[l];   // [capacity, kvDim]
        float[] vc = cache.values[l]; // [capacity, kvDim]
        System.arraycopy(s.k, 0, kc, p0 * kvDim, t * kvDim);
        System.arraycopy(s.v, 0, vc, p0 * kvDim, t * kvDim);
        attention(t, p0, kc, vc, s);                                // att: [t, heads·hd]
        if (obs != null) {
            obs.observe(names(l, 3, 4), s.att, t, qDim);
        }
        linear(s.att, t, qDim, w.wo, op(w, O), d, w.bo, s.out);               // out: [t, hidden]
        kernels.add(t * d, x, 0, s.out, 0, x, 0);

        // MLP block (SwiGLU)
        kernels.rmsNorm(x, 0, w.ffnNorm, 0, eps, s.h, 0, t, d);
        if (obs != null) {
            obs.observe(names(l, 4, 6), s.h, t, d);
        }
        linear(s.h, t, d, w.wGate, op(w, GATE), inter, null, s.gate);            // gate: [t, inter]
        linear(s.h, t, d, w.wUp, op(w, UP), inter, null, s.up);                // up: [t, inter]
        kernels.silu(s.gate, 0, t * inter);
        kernels.mul(t * inter, s.gate, 0, s.up, 0, s.gate, 0);
        if (obs != null) {
            obs.observe(names(l, 6, 7), s.gate, t, inter);
        }
        if (inputsOnly) {
            return;
        }
        linear(s.gate, t, inter, w.wDown, op(w, DOWN), d, null, s.out);          // out: [t, hidden]
        kernels.add(t * d, x, 0, s.out, 0, x, 0);
    }

    private static List<String> names(int l, int from, int to) {
        java.util.ArrayList<String> n = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            n.add(LlamaConfig.layer(l, LINEARS[i]));
        }
        return n;
    }

    /** Queries per block of the batched prefill attention (a block sees only the keys up to its last query). */
    private static final int QUERY_BLOCK = 64;

    /**
     * Causal (optionally windowed) grouped-query attention of t new queries over p0 + t keys. In
     * blocks of {@link #QUERY_BLOCK} queries, all heads at once (one batched product per query
     * head of each key-value group, the heads in parallel): a block's scores stop at the key of
     * its last query, so the causal upper triangle is mostly never computed (the probabilities
     * there are zero, so the results are the same as with it).
     */
    private void attention(int t, int p0, float[] kc, float[] vc, Scratch s) {
        int hd = cfg.headDim();
        int qDim = cfg.qDim();
        int kvDim = cfg.kvDim();
        int kvHeads = cfg.kvHeads();
        int group = cfg.heads() / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        int window = cfg.slidingWindow();
        if (t == 1) {
            attendOne(p0, kc, vc, s);
            return;
        }
        for (int i0 = 0; i0 < t; i0 += QUERY_BLOCK) {
            int qb = Math.min(QUERY_BLOCK, t - i0);
            int nk = p0 + i0 + qb;  // keys up to the block's last query
            int per = qb * nk;      // scores of one head: [qb, nk]
            // scores: [group][kvHeads][qb, nk]; head h = kvh·group + g reads key-value head kvh
            for (int g = 0; g < group; g++) {
                kernels.batchedGemm(kvHeads, true, qb, nk, hd, s.q, i0 * qDim + g * hd, group * hd, qDim,
                        kc, 0, hd, kvDim, s.scores, g * kvHeads * per, per, nk);
            }
            int q0 = i0;
            Parallel.forRange(cfg.heads() * qb, qb, (long) cfg.heads() * per * 4, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int i = r % qb;
                    int last = p0 + q0 + i;                              // the query's own position
                    int first = window > 0 ? Math.max(0, last - window + 1) : 0;
                    int row = r * nk;
                    java.util.Arrays.fill(s.scores, row, row + first, 0f);
                    java.util.Arrays.fill(s.scores, row + last + 1, row + nk, 0f);
                    kernels.scale(last + 1 - first, scale, s.scores, row + first);
                    kernels.softmax(s.scores, row + first, 1, last + 1 - first, nk);
                }
            });
            // att_h [qb, hd] = scores_h [qb, nk] · v_kvh [nk, hd]
            for (int g = 0; g < group; g++) {
                kernels.batchedGemm(kvHeads, false, qb, hd, nk, s.scores, g * kvHeads * per, per, nk,
                        vc, 0, hd, kvDim, s.att, i0 * qDim + g * hd, group * hd, qDim);
            }
        }
    }

    /**
     * One new query (decode) at position p0 over keys 0…p0, in parallel over key-value heads once
     * the cache is long enough to pay for a fork. Per key-value head, each query head's scores are
     * one matrix-vector product with the cached keys [len, hd], and the outputs of the heads that
     * share the head are one product P [group, len] · V [len, hd], so each cached value row is
     * read once per group. (Per-key dot and axpy calls cost ≈ 1.2 ms per layer at 520 keys.)
     */
    private void attendOne(int p0, float[] kc, float[] vc, Scratch s) {
        int kvHeads = cfg.kvHeads();
        // ≈ 4 flops per (query head, key, dimension) at ≈ 8 flops/ns on one thread
        long nanos = (long) cfg.heads() * (p0 + 1) * cfg.headDim() / 2;
        Parallel.forRange(kvHeads, 1, nanos, (h0, h1) -> {
            for (int kvh = h0; kvh < h1; kvh++) {
                attendGroup(kvh, p0, kc, vc, s);
            }
        });
    }

    /** {@link #attendOne} for the query heads of key-value head {@code kvh}. */
    private void attendGroup(int kvh, int p0, float[] kc, float[] vc, Scratch s) {
        int hd = cfg.headDim();
        int kvDim = cfg.kvDim();
        int n = p0 + 1;
        int group = cfg.heads() / cfg.kvHeads();
        float scale = (float) (1.0 / Math.sqrt(hd));
        int window = cfg.slidingWindow();
        int first = window > 0 ? Math.max(0, p0 - window + 1) : 0;
        int len = n - first;
        int kvo = first * kvDim + kvh * hd; // key/value row `first` of this head in the cache [capacity, kvDim]
        int h0 = kvh * group;
        float[] sc = s.scores; // scores: [heads, n]
        for (int h = h0; h < h0 + group; h++) {
            int row = h * n + first;
            kernels.matvec(len, hd, kc, kvo, kvDim, s.q, h * hd, sc, row); // k [len, hd] · q_h [hd]
            kernels.scale(len, scale, sc, row);
            kernels.softmax(sc, row, 1, len, n);
        }
        // att_group: [group, hd] = P [group, len] · V [len, hd]
        kernels.gemm(group, hd, len, sc, h0 * n + first, n, vc, kvo, kvDim, 0f, s.att, h0 * hd, hd);
    }

    private static SparseMatrix op(Layer w, int i) {
        return w.ops == null ? null : w.ops[i];
    }

    /** y: [t, out] = x: [t, in] · W: [out, in]ᵀ (+ bias); W is the live array w or, when set, the operator op. */
    private void linear(float[] x, int t, int in, float[] w, SparseMatrix op, int out, float[] bias, float[] y) {
        if (op != null) {
            if (t == 1) {
                op.matvec(x, 0, y, 0);
            } else {
                op.gemmT(t, x, 0, in, y, 0, out);
            }
        } else if (t == 1) {
            kernels.matvec(out, in, w, 0, in, x, 0, y, 0);
        } else {
            kernels.gemmT(t, out, in, x, 0, in, w, 0, in, 0f, y, 0, out);
        }
        if (bias != null) {
            for (int i = 0; i < t; i++) {
                kernels.add(out, y, i * out, bias, 0, y, i * out);
            }
        }
    }
}
