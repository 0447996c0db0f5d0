package dev.prune4j.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.kernels.Kernels.RopeLayout;
import dev.prune4j.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a decoder as a Hugging Face checkpoint directory that any HF loader reads:
 * {@code config.json}, {@code model.safetensors} and the tokenizer files. A llama2.c model is
 * converted to the HF layout: q/k rows permuted from interleaved-pair RoPE to rotate-half RoPE,
 * as in shared/fixtures/stories260K-hf, and its tokenizer is copied as {@code tokenizer.bin}. The directory is assembled under a temporary name next
 * to the target and renamed at the end, so an interrupted run leaves no partial output.
 */
public final class HfCheckpointWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Tokenizer and generation files copied from a source checkpoint directory when present. */
    static final List<String> SIDE_FILES = List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "tokenizer.model", "generation_config.json", "vocab.txt", "merges.txt", "vocab.json");

    private HfCheckpointWriter() {
    }

    /** What to write besides the weights. */
    public record Extras(Path sourceConfig, List<Path> tokenizerFiles, Map<String, String> metadata) {
        public Extras {
            tokenizerFiles = List.copyOf(tokenizerFiles);
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Writes {@code params} (HF names, any layout of {@code cfg}) to {@code out}. Refuses an
     * existing {@code out} unless {@code overwrite}.
     */
    public static void write(Path out, LlamaConfig cfg, Map<String, Tensor> params, Extras extras, boolean overwrite) {
        if (Files.exists(out) && !overwrite) {
            throw new BadInputException(out + ": output directory exists; choose another --out or pass --overwrite");
        }
        Path parent = out.toAbsolutePath().getParent();
        Path tmp = parent.resolve("." + out.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(parent);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Map<String, Tensor> hf = cfg.ropeLayout() == RopeLayout.INTERLEAVED ? toHalfLayout(cfg, params) : params;
            SafeTensors.write(tmp.resolve(SafeTensors.SINGLE_FILE), hf, extras.metadata());
            if (extras.sourceConfig() != null && Files.isRegularFile(extras.sourceConfig())) {
                Files.copy(extras.sourceConfig(), tmp.resolve("config.json"));
            } else {
                Files.writeString(tmp.resolve("config.json"), JSON.writeValueAsString(configJson(cfg)) + "\n");
            }
            for (Path f : extras.tokenizerFiles()) {
                // a llama2.c tokenizer travels as tokenizer.bin, where prune4j looks for it next to a model
                String name = f.getFileName().toString().endsWith(".bin") ? "tokenizer.bin" : f.getFileName().toString();
                Files.copy(f, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            if (Files.exists(out)) {
                deleteTree(out);
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary directory is named so it is recognisable
            }
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        }
    }

    /** The side files (tokenizer, generation config) present in a source checkpoint directory. */
    public static List<Path> sideFiles(Path sourceDir) {
        return SIDE_FILES.stream().map(sourceDir::resolve).filter(Files::isRegularFile).toList();
    }

    /** A Hugging Face config.json for {@code cfg} (used when there is no source config to copy). */
    public static ObjectNode configJson(LlamaConfig cfg) {
        ObjectNode c = JSON.createObjectNode();
        String arch = switch (cfg.type()) {
            case LLAMA -> "LlamaForCausalLM";
            case MISTRAL -> "MistralForCausalLM";
            case QWEN2 -> "Qwen2ForCausalLM";
            case QWEN3 -> "Qwen3ForCausalLM";
        };
        c.putArray("architectures").add(arch);
        c.put("model_type", cfg.modelType());
        c.put("hidden_size", cfg.hiddenSize());
        c.put("intermediate_size", cfg.intermediateSize());
        c.put("num_attention_heads", cfg.heads());
        c.put("num_key_value_heads", cfg.kvHeads());
        c.put("num_hidden_layers", cfg.layers());
        c.put("head_dim", cfg.headDim());
        c.put("vocab_size", cfg.vocabSize());
        c.put("max_position_embeddings", cfg.maxPositions());
        c.put("rms_norm_eps", cfg.rmsNormEps());
        c.put("rope_theta", cfg.ropeTheta());
        c.put("hidden_act", "silu");
        c.put("tie_word_embeddings", cfg.tiedEmbeddings());
        c.put("bos_token_id", cfg.bosTokenId());
        if (cfg.eosTokenIds().size() == 1) {
            c.put("eos_token_id", cfg.eosTokenIds().getFirst());
        } else {
            var a = c.putArray("eos_token_id");
            cfg.eosTokenIds().forEach(a::add);
        }
        c.put("torch_dtype", "float32");
        return c;
    }

    /**
     * Permutes q/k rows of every head from interleaved pairs (2i, 2i+1) to halves (i, i + d/2):
     * HF row i ← row 2i and HF row d/2 + i ← row 2i + 1 of each head.
     */
    static Map<String, Tensor> toHalfLayout(LlamaConfig cfg, Map<String, Tensor> params) {
        Map<String, Tensor> out = new LinkedHashMap<>(params);
        for (int l = 0; l < cfg.layers(); l++) {
            for (String p : List.of("self_attn.q_proj.weight", "self_attn.k_proj.weight")) {
                String name = LlamaConfig.layer(l, p);
                Tensor t = params.get(name);
                int heads = p.startsWith("self_attn.q") ? cfg.heads() : cfg.kvHeads();
                out.put(name, permuteRows(t.toF32(), heads, cfg.headDim()));
            }
        }
        return out;
    }

    private static Tensor permuteRows(Tensor t, int heads, int hd) {
        int cols = t.dim(1);
        float[] src = t.toFloatArray();
        float[] dst = new float[src.length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < hd / 2; i++) {
                System.arraycopy(src, (h * hd + 2 * i) * cols, dst, (h * hd + i) * cols, cols);
                System.arraycopy(src, (h * hd + 2 * i + 1) * cols, dst, (h * hd + hd / 2 + i) * cols, cols);
            }
        }
        return Tensor.wrap(dst, t.dim(0), cols);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
