package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector Adam step against the scalar rule: bit-identical weights and moments. */
class AdamVectorTest {
    @Test
    void vectorStepIsBitIdenticalToTheScalarRule() {
        Rng rng = new Rng(5);
        for (int n : new int[] {1, 3, 4, 7, 64, 1001}) {
            for (boolean decoupled : new boolean[] {false, true}) {
                float[] w = new float[n], g = new float[n], m = new float[n], v = new float[n];
                rng.fillUniform(w, -1, 1);
                float[] w2 = w.clone(), m2 = m.clone(), v2 = v.clone();
                for (int t = 1; t <= 5; t++) {
                    rng.fillUniform(g, -0.3f, 0.3f);
                    Adam.Step s = new Adam.Step(1e-3 * t, 0.9, 0.999, 1 - Math.pow(0.9, t), 1 - Math.pow(0.999, t), 1e-8, 0.01f, decoupled);
                    Adam.update(s, w, g, m, v, 0);
                    int done = AdamVector.update(s, w2, g, m2, v2);
                    assertEquals(n - n % 4, done);
                    Adam.update(s, w2, g, m2, v2, done);
                }
                String what = "n " + n + (decoupled ? " AdamW" : " Adam");
                assertArrayEquals(w, w2, what + " weights");
                assertArrayEquals(m, m2, what + " first moments");
                assertArrayEquals(v, v2, what + " second moments");
            }
        }
    }
}
