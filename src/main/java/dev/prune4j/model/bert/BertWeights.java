package dev.prune4j.model.bert;

import dev.prune4j.core.BadInputException;
import dev.prune4j.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a BERT encoder as float32 arrays, checked against a {@link BertConfig}.
 * Names follow Hugging Face's {@code BertModel} ({@code embeddings.*}, {@code encoder.layer.N.*});
 * a {@code bert.} prefix (as in {@code BertForMaskedLM} checkpoints) is accepted.
 */
public record BertWeights(float[] wordEmbeddings, float[] positionEmbeddings, float[] tokenTypeEmbeddings,
                          float[] embeddingNormWeight, float[] embeddingNormBias, List<Block> blocks) {

    /** One encoder block: self-attention and feed-forward, each followed by Add & LayerNorm. */
    public record Block(Linear query, Linear key, Linear value, Linear attentionOutput,
                        float[] attentionNormWeight, float[] attentionNormBias,
                        Linear intermediate, Linear output, float[] outputNormWeight, float[] outputNormBias) {
    }

    /** Reads and shape-checks the weights; {@code where} names the source for messages. */
    public static BertWeights from(Map<String, Tensor> raw, BertConfig c, String where) {
        Map<String, Tensor> w = stripPrefix(raw);
        int h = c.hiddenSize();
        int inter = c.intermediateSize();
        float[] word = take(w, "embeddings.word_embeddings.weight", where, c.vocabSize(), h);
        float[] pos = take(w, "embeddings.position_embeddings.weight", where, c.maxPositions(), h);
        float[] type = take(w, "embeddings.token_type_embeddings.weight", where, c.typeVocabSize(), h);
        float[] lnW = take(w, "embeddings.LayerNorm.weight", where, h);
        float[] lnB = take(w, "embeddings.LayerNorm.bias", where, h);
        List<Block> blocks = new ArrayList<>();
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            blocks.add(new Block(
                    linear(w, p + "attention.self.query", where, h, h),
                    linear(w, p + "attention.self.key", where, h, h),
                    linear(w, p + "attention.self.value", where, h, h),
                    linear(w, p + "attention.output.dense", where, h, h),
                    take(w, p + "attention.output.LayerNorm.weight", where, h),
                    take(w, p + "attention.output.LayerNorm.bias", where, h),
                    linear(w, p + "intermediate.dense", where, inter, h),
                    linear(w, p + "output.dense", where, h, inter),
                    take(w, p + "output.LayerNorm.weight", where, h),
                    take(w, p + "output.LayerNorm.bias", where, h)));
        }
        return new BertWeights(word, pos, type, lnW, lnB, List.copyOf(blocks));
    }

    /** The weights as named tensors (sharing the arrays), in Hugging Face names and layout. */
    public Map<String, Tensor> toTensors(BertConfig c) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        int h = c.hiddenSize();
        m.put("embeddings.word_embeddings.weight", Tensor.wrap(wordEmbeddings, c.vocabSize(), h));
        m.put("embeddings.position_embeddings.weight", Tensor.wrap(positionEmbeddings, c.maxPositions(), h));
        m.put("embeddings.token_type_embeddings.weight", Tensor.wrap(tokenTypeEmbeddings, c.typeVocabSize(), h));
        m.put("embeddings.LayerNorm.weight", Tensor.wrap(embeddingNormWeight, h));
        m.put("embeddings.LayerNorm.bias", Tensor.wrap(embeddingNormBias, h));
        for (int l = 0; l < blocks.size(); l++) {
            Block b = blocks.get(l);
            String p = "encoder.layer." + l + ".";
            put(m, p + "attention.self.query", b.query());
            put(m, p + "attention.self.key", b.key());
            put(m, p + "attention.self.value", b.value());
            put(m, p + "attention.output.dense", b.attentionOutput());
            m.put(p + "attention.output.LayerNorm.weight", Tensor.wrap(b.attentionNormWeight(), h));
            m.put(p + "attention.output.LayerNorm.bias", Tensor.wrap(b.attentionNormBias(), h));
            put(m, p + "intermediate.dense", b.intermediate());
            put(m, p + "output.dense", b.output());
            m.put(p + "output.LayerNorm.weight", Tensor.wrap(b.outputNormWeight(), h));
            m.put(p + "output.LayerNorm.bias", Tensor.wrap(b.outputNormBias(), h));
        }
        return m;
    }

    private static void put(Map<String, Tensor> m, String name, Linear lin) {
        m.put(name + ".weight", Tensor.wrap(lin.weight(), lin.out(), lin.in()));
        m.put(name + ".bias", Tensor.wrap(lin.bias(), lin.out()));
    }

    /** The map without a leading {@code bert.} on the names, when every encoder weight has one. */
    static Map<String, Tensor> stripPrefix(Map<String, Tensor> raw) {
        if (raw.containsKey("embeddings.word_embeddings.weight") || !raw.containsKey("bert.embeddings.word_embeddings.weight")) {
            return raw;
        }
        Map<String, Tensor> m = new LinkedHashMap<>();
        raw.forEach((k, v) -> m.put(k.startsWith("bert.") ? k.substring(5) : k, v));
        return m;
    }

    static Tensor require(Map<String, Tensor> raw, String name, String where) {
        Tensor t = stripPrefix(raw).get(name);
        if (t == null) {
            throw new BadInputException(where + ": missing tensor '" + name + "' (a BERT encoder needs it)");
        }
        return t;
    }

    private static Linear linear(Map<String, Tensor> w, String name, String where, int out, int in) {
        return new Linear(take(w, name + ".weight", where, out, in), take(w, name + ".bias", where, out), out, in);
    }

    private static float[] take(Map<String, Tensor> w, String name, String where, int... dims) {
        Tensor t = require(w, name, where);
        if (!Arrays.equals(t.shape().dims(), dims)) {
            throw new BadInputException(where + ": tensor '" + name + "' should have shape " + Arrays.toString(dims)
                    + ", found " + Arrays.toString(t.shape().dims()));
        }
        Tensor f = t.toF32();
        float[] a = f.floatArray();
        return f.floatOffset() == 0 && a.length == t.numel() ? a : f.toFloatArray();
    }
}
