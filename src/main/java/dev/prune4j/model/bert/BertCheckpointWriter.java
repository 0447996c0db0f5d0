package dev.prune4j.model.bert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an encoder as a Hugging Face / sentence-transformers checkpoint directory:
 * {@code model.safetensors} (dense float32, {@code BertModel} names), {@code config.json},
 * {@code tokenizer.json}, and the sentence-transformers module files ({@code modules.json},
 * {@code 1_Pooling/config.json}) that say how embeddings are pooled — so that
 * {@link EncoderLoader} (and sentence-transformers) read back the same embeddings. Files are
 * written into {@code dir}, which the caller creates under a temporary name and renames.
 */
public final class BertCheckpointWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Files copied as they are from a source checkpoint directory when present. */
    static final List<String> COPIED = List.of("config.json", "tokenizer_config.json", "special_tokens_map.json",
            "vocab.txt", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json");

    private BertCheckpointWriter() {
    }

    /** Writes {@code params} (Hugging Face names) with the files described above into {@code dir}. */
    public static void write(Path dir, BertConfig config, Map<String, Tensor> params, Pooling pooling,
                             EncoderLoader.Source source, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
            SafeTensors.write(dir.resolve(SafeTensors.SINGLE_FILE), params, metadata);
            Files.write(dir.resolve("tokenizer.json"), source.tokenizerJson());
            if (source.checkpointDir() != null) {
                for (String f : COPIED) {
                    Path from = source.checkpointDir().resolve(f);
                    if (Files.isRegularFile(from)) {
                        Files.createDirectories(dir.resolve(f).getParent());
                        Files.copy(from, dir.resolve(f));
                    }
                }
            }
            if (!Files.exists(dir.resolve("config.json"))) {
                Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(config.toConfigJson()) + "\n");
            }
            if (!Files.exists(dir.resolve("1_Pooling/config.json"))) {
                Files.createDirectories(dir.resolve("1_Pooling"));
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("word_embedding_dimension", config.hiddenSize());
                p.put("pooling_mode_cls_token", pooling == Pooling.CLS);
                p.put("pooling_mode_mean_tokens", pooling == Pooling.MEAN);
                p.put("pooling_mode_max_tokens", false);
                p.put("pooling_mode_mean_sqrt_len_tokens", false);
                Files.writeString(dir.resolve("1_Pooling/config.json"), JSON.writeValueAsString(p) + "\n");
            }
            if (!Files.exists(dir.resolve("modules.json"))) {
                List<Map<String, Object>> modules = List.of(
                        module(0, "0", "", "sentence_transformers.models.Transformer"),
                        module(1, "1", "1_Pooling", "sentence_transformers.models.Pooling"),
                        module(2, "2", "2_Normalize", "sentence_transformers.models.Normalize"));
                Files.writeString(dir.resolve("modules.json"), JSON.writeValueAsString(modules) + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> module(int idx, String name, String path, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("idx", idx);
        m.put("name", name);
        m.put("path", path);
        m.put("type", type);
        return m;
    }
}
