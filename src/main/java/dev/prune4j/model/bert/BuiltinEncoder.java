package dev.prune4j.model.bert;

import dev.prune4j.core.BadInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Encoders that load from jars on Maven Central (langchain4j's in-process embedding models, which
 * ship an ONNX export and its tokenizer.json as classpath resources). The pooling of each matches
 * its model card and langchain4j: mean for all-MiniLM and E5, [CLS] for BGE. The int8 ("-q")
 * variants load when their jar is on the classpath (it is for tests; add the artifact to use them).
 */
public enum BuiltinEncoder {
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", Pooling.MEAN, "sentence-transformers/all-MiniLM-L6-v2"),
    BGE_SMALL_EN_V15("bge-small-en-v15", "bge-small-en-v1.5", Pooling.CLS, "BAAI/bge-small-en-v1.5"),
    E5_SMALL_V2("e5-small-v2", "e5-small-v2", Pooling.MEAN, "intfloat/e5-small-v2"),
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q", Pooling.MEAN, "sentence-transformers/all-MiniLM-L6-v2 (int8)"),
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q", Pooling.CLS, "BAAI/bge-small-en-v1.5 (int8)"),
    E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q", Pooling.MEAN, "intfloat/e5-small-v2 (int8)");

    private final String id;
    private final String resourceBase;
    private final Pooling pooling;
    private final String origin;

    BuiltinEncoder(String id, String resourceBase, Pooling pooling, String origin) {
        this.id = id;
        this.resourceBase = resourceBase;
        this.pooling = pooling;
        this.origin = origin;
    }

    /** The name users pass as {@code --model}. */
    public String id() {
        return id;
    }

    /** Classpath resource of the ONNX model. */
    public String onnxResource() {
        return resourceBase + ".onnx";
    }

    /** Classpath resource of the tokenizer. */
    public String tokenizerResource() {
        return resourceBase + "-tokenizer.json";
    }

    public Pooling pooling() {
        return pooling;
    }

    /** The model it was exported from. */
    public String origin() {
        return origin;
    }

    /** The Maven artifact that ships it. */
    public String artifact() {
        return "dev.langchain4j:langchain4j-embeddings-" + id;
    }

    /** The built-in with this name, or null. */
    public static BuiltinEncoder find(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (BuiltinEncoder b : values()) {
            if (b.id.equals(n)) {
                return b;
            }
        }
        return null;
    }

    /** The names, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(BuiltinEncoder::id).collect(Collectors.joining(", "));
    }

    /** The built-in named {@code name}, or a clear error listing the names. */
    public static BuiltinEncoder require(String name) {
        BuiltinEncoder b = find(name);
        if (b == null) {
            throw new BadInputException("unknown built-in encoder '" + name + "'; built-in names: " + names());
        }
        return b;
    }
}
