package dev.prune4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.tensor.DType;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import dev.prune4j.testkit.TinyDecoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prune4j generate / eval in-process: results on stories260K, and every bad checkpoint input → exit 2. */
class DecoderCliTest {
    @TempDir
    Path dir;
    Path model;
    Path weights;
    TinyDecoder.Weights tiny;

    @BeforeEach
    void writeTinyQwen2() {
        model = dir.resolve("qwen2");
        tiny = TinyDecoder.random(TinyDecoder.Spec.qwen2(), 5, DType.F32);
        TinyDecoder.write(model, tiny, DType.F32, 1);
        weights = model.resolve("model.safetensors");
    }

    /** Runs generate on the tiny model and expects exit code 2 with exactly this one-line message. */
    void expectBadInput(String message) {
        CliTest.Result r = CliTest.run("generate", "--model", model.toString(), "--max-tokens", "2");
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        assertEquals("prune4j: " + message, r.err().strip());
    }

    static void writeRaw(Path file, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Files.write(file, b.array());
    }

    @Test
    void truncatedSafetensors() throws IOException {
        byte[] all = Files.readAllBytes(weights);
        long headerLen = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long data = all.length - 8 - headerLen;
        Files.write(weights, Arrays.copyOf(all, all.length - 100));
        // the writer stores tensors in order, so the last one (model.norm.weight, 32 floats) is cut
        expectBadInput(weights + ": tensor 'model.norm.weight': data_offsets [" + (data - 128) + ", " + data
                + "] out of range: the data area has " + (data - 100) + " bytes (truncated file?)");
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        Files.write(weights, ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(4096).array());
        expectBadInput(weights + ": safetensors header length 4096 bytes goes past the end of the file (24 bytes; at most 16 "
                + "available): the file is truncated or not safetensors");
    }

    @Test
    void overlappingOffsets() throws IOException {
        writeRaw(weights, "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24);
        expectBadInput(weights + ": tensors 'x' (bytes 0–16) and 'y' (bytes 8–24) overlap");
    }

    @Test
    void outOfRangeOffsets() throws IOException {
        writeRaw(weights, "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}", 16);
        expectBadInput(weights + ": tensor 'x': data_offsets [16, 32] out of range: the data area has 16 bytes (truncated file?)");
    }

    @Test
    void shapeAndByteLengthDisagree() throws IOException {
        writeRaw(weights, "{\"x\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16);
        expectBadInput(weights + ": tensor 'x': shape [4] of BF16 needs 8 bytes but data_offsets [0, 16] hold 16");
    }

    @Test
    void unknownDtype() throws IOException {
        writeRaw(weights, "{\"x\":{\"dtype\":\"F8_E5M2\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        expectBadInput(weights + ": tensor 'x': unknown dtype 'F8_E5M2'; supported: F32, F16, BF16, I8, U8, I32, I64");
    }

    @Test
    void malformedHeaderJson() throws IOException {
        writeRaw(weights, "{\"x\": {\"dtype\": F32}}", 0);
        CliTest.Result r = CliTest.run("generate", "--model", model.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("prune4j: " + weights + ": safetensors header is not well-formed JSON: "), r.err());
        assertEquals(1, r.err().strip().lines().count());
    }

    Map<String, Tensor> tinyTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        SafeTensors.read(weights).tensors().forEach(m::put);
        return m;
    }

    @Test
    void missingTensor() {
        Map<String, Tensor> m = tinyTensors();
        m.remove("model.layers.1.self_attn.k_proj.bias");
        SafeTensors.write(weights, m);
        expectBadInput(weights + ": missing tensor 'model.layers.1.self_attn.k_proj.bias' (qwen2 expects shape [16])");
    }

    @Test
    void wrongShape() {
        Map<String, Tensor> m = tinyTensors();
        m.put("model.layers.0.mlp.up_proj.weight", Tensor.zeros(47, 32));
        SafeTensors.write(weights, m);
        expectBadInput(weights + ": tensor 'model.layers.0.mlp.up_proj.weight' has shape [47, 32] but the config (qwen2 "
                + "hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, "
                + "head_dim=8, vocab_size=40) implies [48, 32]");
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path cfg = model.resolve("config.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"qwen2\"", "\"gpt2\""));
        expectBadInput(cfg + ": unknown model_type 'gpt2'; supported: llama, mistral, qwen2, qwen3, bert");
    }

    @Test
    void unsupportedOptions() throws IOException {
        Path cfg = model.resolve("config.json");
        String ok = Files.readString(cfg);
        Files.writeString(cfg, ok.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"silu\", \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0}"));
        expectBadInput(cfg + ": rope_scaling type 'yarn' is not supported; supported: llama3, linear (or none)");
        Files.writeString(cfg, ok.replace("\"hidden_act\": \"silu\"", "\"hidden_act\": \"gelu\""));
        expectBadInput(cfg + ": hidden_act 'gelu' is not supported for qwen2; supported: silu (SwiGLU)");
        Files.writeString(cfg, ok.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
        expectBadInput(cfg + ": num_attention_heads (4) must be a multiple of num_key_value_heads (3)");
        Files.delete(cfg);
        expectBadInput(cfg + ": file not found (a Hugging Face checkpoint needs its config.json)");
    }

    @Test
    void truncatedLlama2cCheckpoint() throws IOException {
        Path bin = dir.resolve("cut.bin");
        Files.write(bin, Arrays.copyOf(Files.readAllBytes(SharedData.require("data/stories260K.bin")), 1000));
        CliTest.Result r = CliTest.run("generate", "--model", bin.toString(), "--tokenizer",
                SharedData.require("data/tok512.bin").toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("prune4j: " + bin + ": llama2.c checkpoint with header dim=64, hidden_dim=172, n_layers=5, n_heads=8, "
                + "n_kv_heads=4, vocab_size=512, seq_len=512 needs 1056540 bytes but the file has 1000 (truncated?)", r.err().strip());
    }

    @Test
    void missingTokenizerIsExplained() {
        CliTest.Result r = CliTest.run("generate", "--model", model.toString());
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("prune4j: --tokenizer is needed: no tokenizer.json or tokenizer.bin in " + model
                + " (give a llama2.c tokenizer .bin or a Hugging Face tokenizer.json)", r.err().strip());
    }

    // ------------------------------------------------------------------ results

    @Test
    void generateJsonEqualsTheGreedyFixture() throws IOException {
        JsonNode fx = new ObjectMapper().readTree(SharedData.require("fixtures/stories260K/generate.json").toFile())
                .get("cases").get(1);
        CliTest.Result r = CliTest.run("generate", "--model", SharedData.require("data/stories260K.bin").toString(),
                "--tokenizer", SharedData.require("data/tok512.bin").toString(), "--prompt", fx.get("prompt").asText(),
                "--max-tokens", String.valueOf(fx.get("ids").size() - fx.get("prompt_ids").size()), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.MAPPER.readTree(r.out());
        assertEquals(fx.get("ids"), o.get("ids"));
        assertEquals(fx.get("text").asText(), o.get("text").asText());
        assertTrue(o.get("sampling").get("greedy").asBoolean());
    }

    @Test
    void evalDefaultsReproducePerplexityJson() throws IOException {
        JsonNode fx = new ObjectMapper().readTree(SharedData.require("fixtures/stories260K/perplexity.json").toFile());
        CliTest.Result r = CliTest.run("eval", "--model", SharedData.require("data/stories260K.bin").toString(),
                "--tokenizer", SharedData.require("data/tok512.bin").toString(),
                "--text", SharedData.require("data/tinystories_val.txt").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.MAPPER.readTree(r.out());
        assertEquals(fx.get("perplexity").asDouble(), o.get("perplexity").asDouble(), 1e-4 * fx.get("perplexity").asDouble());
        assertEquals(fx.get("mean_nll").asDouble(), o.get("mean_nll").asDouble(), 1e-4 * fx.get("mean_nll").asDouble());
        JsonNode p = o.get("protocol");
        assertEquals(fx.get("protocol").get("token_stream_sha256").asText().split(" ")[0], p.get("token_stream_sha256").asText());
        assertEquals(8160, p.get("scored_tokens").asInt());
        assertEquals(256, p.get("window").asInt());
        assertEquals(32, p.get("windows").asInt());
        assertEquals(256, p.get("stride").asInt());
        assertTrue(p.get("bos_at_window_start").asText().startsWith("no"));
    }

    @Test
    void benchDecodeRunsOnATinyShapeAndReportsOneJsonObject() throws IOException {
        CliTest.Result r = CliTest.run("bench", "decode", "--hidden", "64", "--intermediate", "96", "--layers", "2",
                "--heads", "4", "--kv-heads", "2", "--vocab", "50", "--prefill", "8", "--tokens", "4", "--dtype", "BF16",
                "--probe-mib", "4", "--dir", dir.resolve("bench").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode o = Json.MAPPER.readTree(r.out());
        assertEquals(4, o.get("decode").get("tokens").asInt());
        // parameters: embeddings + head + 2 layers of (q, o: d² each; k, v: 32·d each; MLP: 3·96·d; 2 norms) + final norm
        long d = 64;
        long perLayer = 2 * d * d + 2 * 32 * d + 3 * 96 * d + 2 * d;
        assertEquals(2 * 50 * d + 2 * perLayer + d, o.get("model").get("parameters").asLong());
        assertEquals(2L * o.get("model").get("parameters").asLong(), o.get("model").get("parameter_bytes").asLong());
        assertTrue(Files.isRegularFile(dir.resolve("bench").resolve(SafeTensors.INDEX_FILE)));
    }
}
