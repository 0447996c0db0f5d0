package dev.prune4j.model;

import dev.prune4j.core.BadInputException;
import dev.prune4j.io.Llama2cCheckpoint;
import dev.prune4j.io.CompactCheckpoint;
import dev.prune4j.io.SafeTensors;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads a {@link Model} from what a user passes as {@code --model}: a Hugging Face checkpoint
 * directory ({@code config.json} + {@code model.safetensors} or a sharded index), a
 * {@code .safetensors} file or index with {@code config.json} next to it, or a llama2.c
 * {@code .bin}, or prune4j's compact checkpoint ({@code model.compact.safetensors}, restored
 * densely with its exact zeros). Weights stay memory-mapped (except the compact file's packed ones).
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static Model load(Path path) {
        if (!Files.exists(path)) {
            throw new BadInputException(path + ": not found; --model takes a checkpoint directory, a .safetensors file "
                    + "(with config.json next to it) or a llama2.c .bin");
        }
        String name = path.getFileName().toString();
        if (Files.isDirectory(path)) {
            Architecture a = Architectures.fromConfig(path.resolve("config.json"));
            SafeTensors.Loaded w = SafeTensors.read(path);
            return new Model(a, w.tensors(), w.describeSource());
        }
        if (name.endsWith(".safetensors") || name.endsWith(".index.json")) {
            Path dir = path.toAbsolutePath().getParent();
            Architecture a = Architectures.fromConfig(dir.resolve("config.json"));
            if (name.endsWith(".safetensors") && CompactCheckpoint.isCompact(path)) {
                return new Model(a, CompactCheckpoint.read(path), path + " (prune4j compact)");
            }
            SafeTensors.Loaded w = SafeTensors.read(path);
            return new Model(a, w.tensors(), w.describeSource());
        }
        if (name.endsWith(".bin")) {
            Llama2cCheckpoint c = Llama2cCheckpoint.read(path);
            LlamaConfig cfg = LlamaConfig.ofLlama2c(c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(),
                    c.vocabSize(), c.seqLen(), c.sharedClassifier());
            return new Model(cfg, c.tensors(), path.toString());
        }
        throw new BadInputException(path + ": unrecognised model file; --model takes a checkpoint directory, "
                + "a .safetensors file (with config.json next to it) or a llama2.c .bin");
    }
}
