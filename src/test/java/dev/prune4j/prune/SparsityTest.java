package dev.prune4j.prune;

import dev.prune4j.core.BadInputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SparsityTest {
    @Test
    void parsesFractionsPercentAndNofM() {
        assertEquals(new Sparsity.Fraction(0.5), Sparsity.parse("0.5"));
        assertEquals(new Sparsity.Fraction(0.7), Sparsity.parse("70%"));
        assertEquals(new Sparsity.NofM(2, 4), Sparsity.parse("2:4"));
        assertEquals(0.5, Sparsity.parse("4:8").fraction());
    }

    @Test
    void rejectsBadValuesWithClearMessages() {
        assertEquals("sparsity must be in [0, 1), found 1.0",
                assertThrows(BadInputException.class, () -> Sparsity.parse("1")).getMessage());
        assertEquals("sparsity must be in [0, 1), found -0.1",
                assertThrows(BadInputException.class, () -> Sparsity.parse("-0.1")).getMessage());
        assertEquals("N:M sparsity needs 0 <= N < M, found 4:4",
                assertThrows(BadInputException.class, () -> Sparsity.parse("4:4")).getMessage());
        assertEquals("sparsity: expected a fraction in [0, 1) such as 0.5, or N:M such as 2:4, found 'half'",
                assertThrows(BadInputException.class, () -> Sparsity.parse("half")).getMessage());
    }

    @Test
    void nOfMNeedsMDividingTheWidth() {
        float[] scores = new float[2 * 6];
        BadInputException e = assertThrows(BadInputException.class,
                () -> Selector.select(scores, 2, 6, new Sparsity.NofM(2, 4), Granularity.ROW));
        assertEquals("layer: N:M sparsity 2:4 needs M=4 to divide the input width, found width 6", e.getMessage());
    }

    @Test
    void nOfMKeepsExactlyNOfEveryM() {
        float[] scores = new float[3 * 16];
        new dev.prune4j.tensor.Rng(3).fillUniform(scores, 0, 1);
        Mask m = Selector.select(scores, 3, 16, new Sparsity.NofM(2, 4), Granularity.ROW);
        for (int r = 0; r < 3; r++) {
            for (int g = 0; g < 16; g += 4) {
                int kept = 0;
                float minKept = Float.MAX_VALUE;
                float maxPruned = -1;
                for (int q = 0; q < 4; q++) {
                    float s = scores[r * 16 + g + q];
                    if (m.isPruned(r, g + q)) {
                        maxPruned = Math.max(maxPruned, s);
                    } else {
                        kept++;
                        minKept = Math.min(minKept, s);
                    }
                }
                assertEquals(2, kept);
                assertEquals(true, maxPruned <= minKept, "pruned scores are the smallest of their group");
            }
        }
    }
}
