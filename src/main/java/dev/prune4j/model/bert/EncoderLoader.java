package dev.prune4j.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.HfHub;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.io.onnx.OnnxBertImport;
import dev.prune4j.io.onnx.OnnxFile;
import dev.prune4j.model.Architecture;
import dev.prune4j.model.Architectures;
import dev.prune4j.model.Model;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.text.BertTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Resolves what a user passes as {@code --model} for an encoder into a {@link SentenceEncoder}:
 * a built-in name ({@link BuiltinEncoder}), an {@code .onnx} file (tokenizer.json next to it),
 * a Hugging Face checkpoint directory or {@code .safetensors} file (config.json with
 * {@code model_type: bert} and tokenizer.json beside it), or a hub id {@code org/name}
 * (downloaded into the local cache by {@link HfHub}).
 */
public final class EncoderLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param pooling   pooling to use instead of the model's own (null: the model's)
     * @param maxLength longest tokenized input; 0: the model's position limit
     */
    public record Options(Pooling pooling, int maxLength) {
        public Options {
            if (maxLength < 0 || maxLength == 1) {
                throw new BadInputException("--max-length must be 0 (the model's limit) or at least 2, found " + maxLength);
            }
        }

        public static Options defaults() {
            return new Options(null, 0);
        }
    }

    private EncoderLoader() {
    }

    public static SentenceEncoder load(String spec) {
        return load(spec, Options.defaults());
    }

    public static SentenceEncoder load(String spec, Options options) {
        BuiltinEncoder builtin = BuiltinEncoder.find(spec);
        if (builtin != null) {
            return loadBuiltin(builtin, options);
        }
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            return loadPath(path, options, spec);
        }
        if (HfHub.isRepoId(spec)) {
            Path dir = HfHub.fromEnvironment().download(spec, "main", EncoderLoader::wantedFromHub);
            return loadPath(dir, options, spec);
        }
        throw new BadInputException("unknown model '" + spec + "': not a file or directory, not a built-in encoder ("
                + BuiltinEncoder.names() + ") and not a hub id of the form org/name");
    }

    /** Loads a built-in encoder from its jar on the classpath. */
    public static SentenceEncoder loadBuiltin(BuiltinEncoder b, Options options) {
        ClassLoader cl = EncoderLoader.class.getClassLoader();
        OnnxFile onnx;
        try (InputStream in = cl.getResourceAsStream(b.onnxResource())) {
            if (in == null) {
                throw new BadInputException("built-in encoder '" + b.id() + "': resource " + b.onnxResource()
                        + " is not on the classpath; add the Maven artifact " + b.artifact());
            }
            onnx = OnnxFile.read(b.artifact() + "!/" + b.onnxResource(), in, null);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + b.onnxResource() + " from the classpath", e);
        }
        Model model = fromOnnx(onnx);
        BertTokenizer tok;
        try (InputStream in = cl.getResourceAsStream(b.tokenizerResource())) {
            if (in == null) {
                throw new BadInputException("built-in encoder '" + b.id() + "': resource " + b.tokenizerResource()
                        + " is not on the classpath; add the Maven artifact " + b.artifact());
            }
            tok = BertTokenizer.load(in, maxLength(options, model), b.artifact() + "!/" + b.tokenizerResource());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + b.tokenizerResource() + " from the classpath", e);
        }
        return SentenceEncoder.of(model, tok, options.pooling() != null ? options.pooling() : b.pooling(), b.id());
    }

    /** A BERT {@link Model} from an ONNX export (weights named as in Hugging Face). */
    public static Model fromOnnx(OnnxFile onnx) {
        OnnxBertImport.Result r = OnnxBertImport.read(onnx);
        Map<String, Tensor> w = BertWeights.stripPrefix(r.weights());
        BertConfig c = BertConfig.fromWeights(w, r.config(), onnx.source());
        return new Model(c, w, onnx.source());
    }

    /** A BERT {@link Model} from an ONNX file, a checkpoint directory or a safetensors file. */
    public static Model loadModel(Path path) {
        String name = path.getFileName().toString();
        if (Files.isRegularFile(path) && name.endsWith(".onnx")) {
            return fromOnnx(OnnxFile.read(path));
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        if (Files.isDirectory(path) && !Files.exists(dir.resolve("config.json"))) {
            Path onnx = findOnnx(dir);
            if (onnx != null) {
                return fromOnnx(OnnxFile.read(onnx));
            }
        }
        Architecture a = Architectures.fromConfig(dir.resolve("config.json"));
        if (!(a instanceof BertConfig)) {
            throw new BadInputException(dir.resolve("config.json") + ": model_type '" + a.modelType()
                    + "' is not an encoder; embeddings need model_type bert (BERT, all-MiniLM, BGE, E5)");
        }
        SafeTensors.Loaded w = SafeTensors.read(path);
        return new Model(a, BertWeights.stripPrefix(w.tensors()), w.describeSource());
    }

    private static SentenceEncoder loadPath(Path path, Options options, String name) {
        Model model = loadModel(path);
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path tokFile = findTokenizer(path, dir);
        BertTokenizer tok = BertTokenizer.load(tokFile, maxLength(options, model));
        Pooling pooling = options.pooling() != null ? options.pooling() : poolingOf(dir);
        return SentenceEncoder.of(model, tok, pooling, name);
    }

    private static int maxLength(Options o, Model m) {
        int limit = ((BertConfig) m.architecture()).maxPositions();
        if (o.maxLength() > limit) {
            throw new BadInputException("--max-length " + o.maxLength() + " exceeds the model's " + limit + " positions");
        }
        return o.maxLength() == 0 ? limit : o.maxLength();
    }

    private static Path findOnnx(Path dir) {
        for (Path p : new Path[] {dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx")}) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".onnx")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** tokenizer.json beside the model (langchain4j names it {@code <model>-tokenizer.json}). */
    private static Path findTokenizer(Path model, Path dir) {
        String name = model.getFileName().toString();
        if (name.endsWith(".onnx")) {
            Path named = dir.resolve(name.substring(0, name.length() - 5) + "-tokenizer.json");
            if (Files.isRegularFile(named)) {
                return named;
            }
        }
        for (Path p : new Path[] {dir.resolve("tokenizer.json"), dir.getParent() == null ? null
                : dir.getParent().resolve("tokenizer.json")}) {
            if (p != null && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new BadInputException(model + ": no tokenizer.json next to the model (looked in " + dir
                + "); an encoder needs its Hugging Face tokenizer.json");
    }

    /**
     * The pooling of a sentence-transformers directory ({@code 1_Pooling/config.json}); mean
     * pooling when the directory does not say.
     */
    static Pooling poolingOf(Path dir) {
        Path cfg = dir.resolve("1_Pooling").resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            return Pooling.MEAN;
        }
        try {
            JsonNode n = JSON.readTree(cfg.toFile());
            if (n.path("pooling_mode_cls_token").asBoolean(false)) {
                return Pooling.CLS;
            }
            if (n.path("pooling_mode_mean_tokens").asBoolean(false)) {
                return Pooling.MEAN;
            }
            Map<String, Object> modes = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> modes.put(e.getKey(), e.getValue()));
            throw new BadInputException(cfg + ": pooling " + modes + " is not supported; supported:"
                    + " pooling_mode_mean_tokens, pooling_mode_cls_token");
        } catch (IOException e) {
            throw new BadInputException(cfg + ": not well-formed JSON: " + e.getMessage(), e);
        }
    }

    /** The files of a hub repo that an encoder needs. */
    static boolean wantedFromHub(String file) {
        return file.equals("config.json") || file.equals("tokenizer.json") || file.equals("modules.json")
                || file.equals("1_Pooling/config.json") || file.equals("model.safetensors")
                || file.equals(SafeTensors.INDEX_FILE)
                || (file.endsWith(".safetensors") && !file.contains("/"));
    }
}
