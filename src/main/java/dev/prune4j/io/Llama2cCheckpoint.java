package dev.prune4j.io;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A llama2.c checkpoint ({@code .bin}, version-0 "legacy" export, karpathy/llama2.c): a header of
 * seven int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a negative
 * vocab_size means the classifier is stored separately), then float32 arrays in a fixed order.
 * The weights are returned as read-only views of one mapping of the file, per layer, under the
 * Hugging Face parameter names (RoPE layout stays llama2.c's interleaved pairs: no permutation).
 */
public record Llama2cCheckpoint(Path file, int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocabSize,
                                int seqLen, boolean sharedClassifier, Map<String, Tensor> tensors) {
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int HEADER_BYTES = 28;

    /** Reads and validates a llama2.c checkpoint. */
    public static Llama2cCheckpoint read(Path file) {
        MemorySegment seg;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < HEADER_BYTES) {
                throw new BadInputException(file + ": not a llama2.c checkpoint: it has " + ch.size()
                        + " bytes, fewer than the 28-byte header (7 int32)");
            }
            seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
        int[] h = new int[7];
        for (int i = 0; i < 7; i++) {
            h[i] = seg.get(I32_LE, 4L * i);
        }
        int dim = h[0];
        int hidden = h[1];
        int layers = h[2];
        int heads = h[3];
        int kvHeads = h[4];
        boolean shared = h[5] > 0;
        int vocab = Math.abs(h[5]);
        int seqLen = h[6];
        String header = "dim=" + dim + ", hidden_dim=" + hidden + ", n_layers=" + layers + ", n_heads=" + heads
                + ", n_kv_heads=" + kvHeads + ", vocab_size=" + h[5] + ", seq_len=" + seqLen;
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0
                || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            throw new BadInputException(file + ": not a llama2.c checkpoint: header " + header
                    + " (expected positive sizes, dim divisible by n_heads into an even head size, n_heads divisible by n_kv_heads)");
        }
        int headSize = dim / heads;
        long kvDim = (long) kvHeads * headSize;
        long floats = (long) vocab * dim + (long) layers * (2L * dim + 2L * dim * dim + 2L * kvDim * dim + 3L * hidden * dim)
                + dim + (long) seqLen * headSize + (shared ? 0 : (long) vocab * dim);
        long need = HEADER_BYTES + 4 * floats;
        if (seg.byteSize() != need) {
            throw new BadInputException(file + ": llama2.c checkpoint with header " + header + " needs " + need
                    + " bytes but the file has " + seg.byteSize() + (seg.byteSize() < need ? " (truncated?)" : ""));
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        long[] pos = {HEADER_BYTES};
        Tensor emb = take(seg, pos, vocab, dim);
        t.put("model.embed_tokens.weight", emb);
        Tensor[] rmsAtt = perLayer(seg, pos, layers, dim);
        Tensor[] wq = perLayer(seg, pos, layers, dim, dim);
        Tensor[] wk = perLayer(seg, pos, layers, (int) kvDim, dim);
        Tensor[] wv = perLayer(seg, pos, layers, (int) kvDim, dim);
        Tensor[] wo = perLayer(seg, pos, layers, dim, dim);
        Tensor[] rmsFfn = perLayer(seg, pos, layers, dim);
        Tensor[] w1 = perLayer(seg, pos, layers, hidden, dim);
        Tensor[] w2 = perLayer(seg, pos, layers, dim, hidden);
        Tensor[] w3 = perLayer(seg, pos, layers, hidden, dim);
        Tensor rmsFinal = take(seg, pos, dim);
        pos[0] += 4L * seqLen * headSize; // the two unused RoPE tables (seq_len × head_size/2 each)
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            t.put(p + "input_layernorm.weight", rmsAtt[l]);
            t.put(p + "self_attn.q_proj.weight", wq[l]);
            t.put(p + "self_attn.k_proj.weight", wk[l]);
            t.put(p + "self_attn.v_proj.weight", wv[l]);
            t.put(p + "self_attn.o_proj.weight", wo[l]);
            t.put(p + "post_attention_layernorm.weight", rmsFfn[l]);
            t.put(p + "mlp.gate_proj.weight", w1[l]);
            t.put(p + "mlp.down_proj.weight", w2[l]);
            t.put(p + "mlp.up_proj.weight", w3[l]);
        }
        t.put("model.norm.weight", rmsFinal);
        if (!shared) {
            t.put("lm_head.weight", take(seg, pos, vocab, dim));
        }
        return new Llama2cCheckpoint(file, dim, hidden, layers, heads, kvHeads, vocab, seqLen, shared, t);
    }

    private static Tensor take(MemorySegment seg, long[] pos, int... dims) {
        Shape s = Shape.of(dims);
        long bytes = s.numel() * 4;
        Tensor t = Tensor.fromSegment(seg.asSlice(pos[0], bytes), DType.F32, s, true);
        pos[0] += bytes;
        return t;
    }

    private static Tensor[] perLayer(MemorySegment seg, long[] pos, int layers, int... dims) {
        Tensor[] out = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            out[l] = take(seg, pos, dims);
        }
        return out;
    }
}
