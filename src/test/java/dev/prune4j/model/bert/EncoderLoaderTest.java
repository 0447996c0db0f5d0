package dev.prune4j.model.bert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;
import dev.prune4j.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The other ways to name an encoder give the same model as the built-in one. */
class EncoderLoaderTest {
    @TempDir
    Path dir;

    private static final List<String> TEXTS = List.of("A quick check of the loaders.",
            "Hugging Face checkpoint directories hold config.json, safetensors and tokenizer.json.");

    @Test
    void safetensorsDirectoryAndOnnxFileMatchTheBuiltin() throws IOException {
        BuiltinEncoder b = BuiltinEncoder.ALL_MINILM_L6_V2;
        try (SentenceEncoder builtin = EncoderLoader.loadBuiltin(b, EncoderLoader.Options.defaults())) {
            float[][] ref = builtin.embed(TEXTS);
            // an HF-style checkpoint directory written from the imported weights
            BertConfig c = builtin.encoder().config();
            Path ckpt = Files.createDirectories(dir.resolve("minilm"));
            SafeTensors.write(ckpt.resolve("model.safetensors"), builtin.encoder().weights().toTensors(c));
            new ObjectMapper().writeValue(ckpt.resolve("config.json").toFile(), c.toConfigJson());
            copyResource(b.tokenizerResource(), ckpt.resolve("tokenizer.json"));
            try (SentenceEncoder fromDir = EncoderLoader.load(ckpt.toString())) {
                assertEquals(c, fromDir.encoder().config());
                float[][] got = fromDir.embed(TEXTS);
                for (int i = 0; i < ref.length; i++) {
                    assertArrayEquals(ref[i], got[i], 0f, "same weights, same kernels: identical output");
                }
            }
            // sentence-transformers pooling config switches pooling
            Files.createDirectories(ckpt.resolve("1_Pooling"));
            Files.writeString(ckpt.resolve("1_Pooling/config.json"), "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
            try (SentenceEncoder cls = EncoderLoader.load(ckpt.resolve("model.safetensors").toString())) {
                assertEquals(Pooling.CLS, cls.pooling());
            }
            // the .onnx file itself, with langchain4j's tokenizer name next to it
            Path onnxDir = Files.createDirectories(dir.resolve("onnx"));
            copyResource(b.onnxResource(), onnxDir.resolve(b.onnxResource()));
            copyResource(b.tokenizerResource(), onnxDir.resolve(b.tokenizerResource()));
            try (SentenceEncoder fromOnnx = EncoderLoader.load(onnxDir.resolve(b.onnxResource()).toString())) {
                float[][] got = fromOnnx.embed(TEXTS);
                for (int i = 0; i < ref.length; i++) {
                    assertArrayEquals(ref[i], got[i], 0f);
                }
            }
        }
    }

    @Test
    void unknownNamesAndNonEncodersAreClearErrors() throws IOException {
        BadInputException e = assertThrows(BadInputException.class, () -> EncoderLoader.load("all-minilm-l12-v9"));
        assertTrue(e.getMessage().startsWith("unknown model 'all-minilm-l12-v9': not a file or directory, not a built-in"
                + " encoder (all-minilm-l6-v2, bge-small-en-v15, e5-small-v2"), e.getMessage());
        Path d = Files.createDirectories(dir.resolve("llama"));
        Files.writeString(d.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        e = assertThrows(BadInputException.class, () -> EncoderLoader.load(d.toString()));
        assertTrue(e.getMessage().contains("unknown model_type 'gpt2'") && e.getMessage().contains("bert"), e.getMessage());
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = EncoderLoaderTest.class.getClassLoader().getResourceAsStream(name)) {
            Files.copy(in, to);
        }
    }
}
