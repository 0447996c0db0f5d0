package dev.prune4j.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;
import dev.prune4j.model.Architecture;
import dev.prune4j.tensor.Shape;
import dev.prune4j.tensor.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a BERT-family encoder, as in a Hugging Face {@code config.json} with
 * {@code model_type: "bert"}. Validates on construction.
 *
 * @param vocabSize        rows of the word embedding
 * @param hiddenSize       model width
 * @param numLayers        encoder blocks
 * @param numHeads         attention heads (divides hiddenSize)
 * @param intermediateSize width of the feed-forward layer
 * @param maxPositions     rows of the position embedding (longest input)
 * @param typeVocabSize    rows of the token-type embedding
 * @param layerNormEps     epsilon of every LayerNorm
 * @param activation       feed-forward activation
 */
public record BertConfig(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
                         int maxPositions, int typeVocabSize, double layerNormEps, Activation activation)
        implements Architecture {

    public BertConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numLayers);
        positive("num_attention_heads", numHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositions);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numHeads != 0) {
            throw new BadInputException("BERT config: hidden_size " + hiddenSize
                    + " must be a multiple of num_attention_heads " + numHeads);
        }
        if (!(layerNormEps > 0 && layerNormEps < 1)) {
            throw new BadInputException("BERT config: layer_norm_eps must be in (0, 1), found " + layerNormEps);
        }
        if (activation == null) {
            throw new BadInputException("BERT config: hidden_act is missing");
        }
    }

    private static void positive(String field, int v) {
        if (v <= 0) {
            throw new BadInputException("BERT config: " + field + " must be positive, found " + v);
        }
    }

    @Override
    public String modelType() {
        return "bert";
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        int h = hiddenSize;
        m.put("embeddings.word_embeddings.weight", Shape.of(vocabSize, h));
        m.put("embeddings.position_embeddings.weight", Shape.of(maxPositions, h));
        m.put("embeddings.token_type_embeddings.weight", Shape.of(typeVocabSize, h));
        m.put("embeddings.LayerNorm.weight", Shape.of(h));
        m.put("embeddings.LayerNorm.bias", Shape.of(h));
        for (int l = 0; l < numLayers; l++) {
            String p = "encoder.layer." + l + ".";
            for (String lin : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                m.put(p + lin + ".weight", Shape.of(h, h));
                m.put(p + lin + ".bias", Shape.of(h));
            }
            m.put(p + "attention.output.LayerNorm.weight", Shape.of(h));
            m.put(p + "attention.output.LayerNorm.bias", Shape.of(h));
            m.put(p + "intermediate.dense.weight", Shape.of(intermediateSize, h));
            m.put(p + "intermediate.dense.bias", Shape.of(intermediateSize));
            m.put(p + "output.dense.weight", Shape.of(h, intermediateSize));
            m.put(p + "output.dense.bias", Shape.of(h));
            m.put(p + "output.LayerNorm.weight", Shape.of(h));
            m.put(p + "output.LayerNorm.bias", Shape.of(h));
        }
        return m;
    }

    @Override
    public String describe() {
        return "bert: " + numLayers + " layers, hidden " + hiddenSize + ", " + numHeads + " heads, intermediate "
                + intermediateSize + ", vocab " + vocabSize + ", max positions " + maxPositions + ", "
                + activation.configName() + ", " + String.format(java.util.Locale.ROOT, "%.1fM", parameterCount() / 1e6)
                + " parameters";
    }

    /** This configuration as Hugging Face {@code config.json} fields (for writing checkpoints). */
    public Map<String, Object> toConfigJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_type", "bert");
        m.put("architectures", java.util.List.of("BertModel"));
        m.put("vocab_size", vocabSize);
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", numLayers);
        m.put("num_attention_heads", numHeads);
        m.put("intermediate_size", intermediateSize);
        m.put("max_position_embeddings", maxPositions);
        m.put("type_vocab_size", typeVocabSize);
        m.put("layer_norm_eps", layerNormEps);
        m.put("hidden_act", activation.configName());
        m.put("position_embedding_type", "absolute");
        return m;
    }

    /** Reads a parsed {@code config.json} (for {@link dev.prune4j.model.Architectures}). */
    @SuppressWarnings("unchecked")
    public static BertConfig fromJson(Path configJson, JsonNode root) {
        return fromConfigJson(new ObjectMapper().convertValue(root, Map.class), configJson.toString());
    }

    /** Size of one attention head. */
    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Parameters of the encoder (embeddings, blocks), without any pooler. */
    public long parameterCount() {
        long h = hiddenSize;
        long emb = (long) (vocabSize + maxPositions + typeVocabSize) * h + 2 * h;
        long block = 4 * (h * h + h) + 2 * (h * intermediateSize) + intermediateSize + h + 4 * h;
        return emb + numLayers * block;
    }

    /**
     * Reads a Hugging Face {@code config.json} (already parsed); {@code where} names the file.
     * Only {@code model_type: "bert"} with absolute position embeddings is supported.
     */
    public static BertConfig fromConfigJson(Map<String, Object> json, String where) {
        Object type = json.get("model_type");
        if (!"bert".equals(type)) {
            throw new BadInputException(where + ": model_type '" + type + "' is not a BERT-family encoder;"
                    + " supported encoder model_type: bert (BERT, all-MiniLM, BGE, E5)");
        }
        Object pos = json.getOrDefault("position_embedding_type", "absolute");
        if (!"absolute".equals(pos)) {
            throw new BadInputException(where + ": position_embedding_type '" + pos
                    + "' is not supported; supported: absolute");
        }
        return new BertConfig(intField(json, "vocab_size", where), intField(json, "hidden_size", where),
                intField(json, "num_hidden_layers", where), intField(json, "num_attention_heads", where),
                intField(json, "intermediate_size", where), intField(json, "max_position_embeddings", where),
                json.containsKey("type_vocab_size") ? intField(json, "type_vocab_size", where) : 2,
                json.containsKey("layer_norm_eps") ? ((Number) json.get("layer_norm_eps")).doubleValue() : 1e-12,
                Activation.fromConfig(String.valueOf(json.getOrDefault("hidden_act", "gelu")), where));
    }

    private static int intField(Map<String, Object> json, String key, String where) {
        Object v = json.get(key);
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new BadInputException(where + ": field '" + key + "' should be an integer, found "
                    + (v == null ? "nothing" : "'" + v + "'"));
        }
        return n.intValue();
    }

    /**
     * Infers the configuration from the weights' shapes (for ONNX files, which carry no
     * config.json); {@code hints} may give {@code num_attention_heads}, {@code layer_norm_eps} and
     * {@code hidden_act} (default: head size 64, 1e-12, gelu).
     */
    public static BertConfig fromWeights(Map<String, Tensor> w, Map<String, Object> hints, String where) {
        Tensor word = BertWeights.require(w, "embeddings.word_embeddings.weight", where);
        Tensor pos = BertWeights.require(w, "embeddings.position_embeddings.weight", where);
        Tensor types = BertWeights.require(w, "embeddings.token_type_embeddings.weight", where);
        int layers = 0;
        while (w.containsKey("encoder.layer." + layers + ".attention.self.query.weight")) {
            layers++;
        }
        if (layers == 0) {
            throw new BadInputException(where + ": no encoder blocks: expected weights named"
                    + " 'encoder.layer.0.attention.self.query.weight' and so on");
        }
        int hidden = word.dim(1);
        Tensor inter = BertWeights.require(w, "encoder.layer.0.intermediate.dense.weight", where);
        int heads = hints.get("num_attention_heads") instanceof Number n ? n.intValue() : Math.max(1, hidden / 64);
        double eps = hints.get("layer_norm_eps") instanceof Number e ? e.doubleValue() : 1e-12;
        Activation act = Activation.fromConfig(String.valueOf(hints.getOrDefault("hidden_act", "gelu")), where);
        return new BertConfig(word.dim(0), hidden, layers, heads, inter.dim(0), pos.dim(0), types.dim(0), eps, act);
    }
}
