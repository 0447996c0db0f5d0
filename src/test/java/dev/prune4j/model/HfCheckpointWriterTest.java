package dev.prune4j.model;

import dev.prune4j.core.BadInputException;
import dev.prune4j.io.SafeTensors;
import dev.prune4j.kernels.Kernels;
import dev.prune4j.tensor.Tensor;
import dev.prune4j.testkit.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfCheckpointWriterTest {
    @Test
    void llama2cModelIsWrittenInTheReferenceHfLayout(@TempDir Path dir) throws Exception {
        Path bin = SharedData.require("data/stories260K.bin");
        Path tok = SharedData.require("data/tok512.bin");
        Path ref = SharedData.require("fixtures/stories260K-hf/model.safetensors");
        Model m = ModelLoader.load(bin);
        Path out = dir.resolve("hf");
        HfCheckpointWriter.write(out, (LlamaConfig) m.architecture(), m.parameters(),
                new HfCheckpointWriter.Extras(null, List.of(tok), Map.of("k", "v")), false);

        SafeTensors.Loaded expected = SafeTensors.read(ref);
        SafeTensors.Loaded written = SafeTensors.read(out);
        assertEquals(expected.tensors().keySet(), written.tensors().keySet());
        for (String name : expected.tensors().keySet()) {
            assertArrayEquals(expected.require(name).toFloatArray(), written.require(name).toFloatArray(), name);
        }
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.bin")));
        Model back = ModelLoader.load(out);
        LlamaConfig c = (LlamaConfig) back.architecture();
        assertEquals(Kernels.RopeLayout.HALF, c.ropeLayout());
        assertEquals(5, c.layers());
        assertTrue(c.tiedEmbeddings());
    }

    @Test
    void refusesAnExistingDirectoryAndLeavesNothingOnFailure(@TempDir Path dir) throws Exception {
        Path bin = SharedData.require("data/stories260K.bin");
        Model m = ModelLoader.load(bin);
        LlamaConfig cfg = (LlamaConfig) m.architecture();
        Path out = dir.resolve("exists");
        Files.createDirectories(out);
        BadInputException e = assertThrows(BadInputException.class, () -> HfCheckpointWriter.write(out, cfg, m.parameters(),
                new HfCheckpointWriter.Extras(null, List.of(), Map.of()), false));
        assertEquals(out + ": output directory exists; choose another --out or pass --overwrite", e.getMessage());

        Path fresh = dir.resolve("fresh");
        // a tokenizer file that vanished: the write fails part-way and must leave no output behind
        assertThrows(UncheckedIOException.class, () -> HfCheckpointWriter.write(fresh, cfg, m.parameters(),
                new HfCheckpointWriter.Extras(null, List.of(dir.resolve("missing-tokenizer.json")), Map.of()), false));
        assertFalse(Files.exists(fresh));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList(), "no temporary directory left behind");
        }
    }

    @Test
    void unchangedTensorsAreCopiedBitForBit(@TempDir Path dir) {
        Path bin = SharedData.require("data/stories260K.bin");
        Model m = ModelLoader.load(bin);
        Path out = dir.resolve("o");
        HfCheckpointWriter.write(out, (LlamaConfig) m.architecture(), m.parameters(),
                new HfCheckpointWriter.Extras(null, List.of(), Map.of()), false);
        Tensor v = SafeTensors.read(out).require("model.layers.2.self_attn.v_proj.weight");
        assertArrayEquals(m.parameter("model.layers.2.self_attn.v_proj.weight").toFloatArray(), v.toFloatArray());
    }
}
