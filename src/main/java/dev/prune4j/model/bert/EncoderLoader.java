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
        return load(spec, options, null);
    }

    /** As {@link #load(String, Options)}, downloading hub ids with {@code hub} (null: from the environment). */
    public static SentenceEncoder load(String spec, Options options, HfHub hub) {
        BuiltinEncoder builtin = BuiltinEncoder.find(spec);
        if (builtin != null) {
            return loadBuiltin(builtin, options);
        }
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            return loadPath(path, options, spec);
        }
        if (HfHub.isRepoId(spec)) {
            HfHub h = hub != null ? hub : HfHub.fromEnvironment();
            return loadPath(h.download(spec, "main", EncoderLoader::wantedFromHub), options, spec);
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

    /**
     * What an encoder was loaded from, for writers that save a changed copy of it: the ONNX graph
     * (null for safetensors checkpoints), the tokenizer.json bytes, and the checkpoint directory
     * (null for ONNX inputs) whose config and sentence-transformers files can be copied.
     */
    public record Source(OnnxFile onnx, byte[] tokenizerJson, Path checkpointDir) {
    }

    /** An encoder together with its {@link Source}. */
    public record Loaded(SentenceEncoder encoder, Source source) {
    }

    /** As {@link #load(String, Options)}, also returning what the encoder was loaded from. */
    public static Loaded loadWithSource(String spec, Options options) {
        BuiltinEncoder b = BuiltinEncoder.find(spec);
        if (b != null) {
            ClassLoader cl = EncoderLoader.class.getClassLoader();
            OnnxFile onnx;
            byte[] tokJson;
            try (InputStream in = cl.getResourceAsStream(b.onnxResource());
                 InputStream tin = cl.getResourceAsStream(b.tokenizerResource())) {
                if (in == null || tin == null) {
                    throw new BadInputException("built-in encoder '" + b.id() + "': resources " + b.onnxResource() + " and "
                            + b.tokenizerResource() + " are not on the classpath; add the Maven artifact " + b.artifact());
                }
                onnx = OnnxFile.read(b.artifact() + "!/" + b.onnxResource(), in, null);
                tokJson = tin.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + b.onnxResource() + " from the classpath", e);
            }
            Model model = fromOnnx(onnx);
            BertTokenizer tok = BertTokenizer.load(new java.io.ByteArrayInputStream(tokJson), maxLength(options, model),
                    b.artifact() + "!/" + b.tokenizerResource());
            SentenceEncoder enc = SentenceEncoder.of(model, tok, options.pooling() != null ? options.pooling() : b.pooling(), b.id());
            return new Loaded(enc, new Source(onnx, tokJson, null));
        }
        Path path = Path.of(spec);
        if (!Files.exists(path) && HfHub.isRepoId(spec)) {
            path = HfHub.fromEnvironment().download(spec, "main", EncoderLoader::wantedFromHub);
        } else if (!Files.exists(path)) {
            throw new BadInputException("unknown model '" + spec + "': not a file or directory, not a built-in encoder ("
                    + BuiltinEncoder.names() + ") and not a hub id of the form org/name");
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path onnxPath = Files.isRegularFile(path) && path.getFileName().toString().endsWith(".onnx") ? path
                : Files.isDirectory(path) && !Files.exists(dir.resolve("config.json")) ? findOnnx(dir) : null;
        OnnxFile onnx = onnxPath != null ? OnnxFile.read(onnxPath) : null;
        Model model = onnx != null ? fromOnnx(onnx) : loadModel(path);
        Path tokFile = findTokenizer(onnxPath != null ? onnxPath : path, dir);
        byte[] tokJson;
        try {
            tokJson = Files.readAllBytes(tokFile);
        } catch (IOException e) {
            throw new BadInputException(tokFile + ": cannot read: " + e.getMessage(), e);
        }
        BertTokenizer tok = BertTokenizer.load(tokFile, maxLength(options, model));
        Pooling pooling = options.pooling() != null ? options.pooling() : poolingOf(dir);
        return new Loaded(SentenceEncoder.of(model, tok, pooling, spec), new Source(onnx, tokJson, onnx == null ? dir : null));
    }

    /**
     * True when {@code spec} names an encoder: a built-in name, an {@code .onnx} file, a directory
     * holding an ONNX export and no config.json, or a checkpoint whose config.json says
     * {@code model_type: bert}. (Commands that take decoders and encoders dispatch on it.)
     */
    public static boolean isEncoder(String spec) {
        if (BuiltinEncoder.find(spec) != null) {
            return true;
        }
        Path path = Path.of(spec);
        if (!Files.exists(path)) {
            return false;
        }
        if (Files.isRegularFile(path)) {
            String n = path.getFileName().toString();
            if (n.endsWith(".onnx")) {
                return true;
            }
            if (!n.endsWith(".safetensors")) {
                return false;
            }
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path cfg = dir.resolve("config.json");
        if (!Files.isRegularFile(cfg)) {
            return Files.isDirectory(path) && findOnnx(dir) != null;
        }
        try {
            return "bert".equals(JSON.readTree(cfg.toFile()).path("model_type").asText());
        } catch (IOException e) {
            return false; // the decoder path reports the malformed config
        }
    }

    /** A BERT {@link Model} from an ONNX export (weights named as in Hugging Face). */
    public static Model fromOnnx(OnnxFile onnx) {
        OnnxBertImport.Result r = OnnxBertImport.read(onnx);
        Map<String, Tensor> w = BertWeights.stripPrefix(r.weights());
        BertConfig c = BertConfig.fromWeights(w, r.config(), onnx.source());
        return new Model(c, w, onnx.source());
    }

    /** A BERT {@link Model} from a built-in name, a path or a hub id (as {@link #load(String)}, without tokenizer). */
    public static Model loadModel(String spec) {
        BuiltinEncoder builtin = BuiltinEncoder.find(spec);
        if (builtin != null) {
            try (InputStream in = EncoderLoader.class.getClassLoader().getResourceAsStream(builtin.onnxResource())) {
                if (in == null) {
                    throw new BadInputException("built-in encoder '" + builtin.id() + "': resource "
                            + builtin.onnxResource() + " is not on the classpath; add the Maven artifact " + builtin.artifact());
                }
                return fromOnnx(OnnxFile.read(builtin.artifact() + "!/" + builtin.onnxResource(), in, null));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read " + builtin.onnxResource() + " from the classpath", e);
            }
        }
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            return loadModel(path);
        }
        if (HfHub.isRepoId(spec)) {
            return loadModel(HfHub.fromEnvironment().download(spec, "main", EncoderLoader::wantedFromHub));
        }
        throw new BadInputException("unknown model '" + spec + "': not a file or directory, not a built-in encoder ("
                + BuiltinEncoder.names() + ") and not a hub id of the form org/name");
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
