package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeTest {
    @Test
    void yamlRecipeResolvesWithCommandLineOverrides(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("r.yaml");
        Files.writeString(f, """
                method: sparsegpt
                sparsity: "2:4"
                scope: ["model\\\\.layers\\\\.\\\\d+\\\\.mlp\\\\..*"]
                calibration: {windows: 8, window: 128}
                block_size: 64
                """);
        Recipe cli = new Recipe(null, "0.6", null, null, null, null, new Recipe.Calibration(null, null, null, 1000L), 7L,
                null, null, null, null, null);
        Recipe r = Recipe.read(f).overriddenBy(cli).withDefaults();
        assertEquals("sparsegpt", r.method());
        assertEquals("0.6", r.sparsity());
        assertEquals(64, r.blockSize());
        assertEquals(8, r.calibration().windows());
        assertEquals(128, r.calibration().window());
        assertEquals(1000L, r.calibration().start());
        assertEquals(7L, r.seed());
        assertEquals(List.of("model\\.layers\\.\\d+\\.mlp\\..*"), r.scope());
        OneShotPruner.Plan p = r.toPlan();
        assertInstanceOf(SparseGpt.class, p.pruner());
        assertEquals(new Sparsity.Fraction(0.6), p.sparsity());
    }

    @Test
    void unknownFieldAndUnknownMethodAreClearErrors(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("r.json");
        Files.writeString(f, "{\"method\": \"wanda\", \"sparsty\": 0.5}");
        BadInputException e = assertThrows(BadInputException.class, () -> Recipe.read(f));
        assertTrue(e.getMessage().startsWith("recipe " + f + ": unknown field 'sparsty'; known fields: "), e.getMessage());
        Recipe bad = new Recipe("obs", "0.5", null, null, null, null, null, null, null, null, null, null, null);
        assertEquals("unknown method 'obs'; supported: magnitude, wanda, sparsegpt, ria, dsnot, random",
                assertThrows(BadInputException.class, bad::toPlan).getMessage());
    }
}
