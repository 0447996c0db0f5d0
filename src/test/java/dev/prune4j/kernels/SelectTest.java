package dev.prune4j.kernels;

import dev.prune4j.tensor.Rng;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SelectTest {
    @Test
    void kthSmallestMatchesSorting() {
        Rng r = new Rng(1);
        for (int n : new int[] {1, 2, 7, 63, 65, 1000, 4097}) {
            float[] a = new float[n];
            r.fillGaussian(a, 0, 1);
            for (int i = 0; i < n; i += 5) {
                a[i] = a[0]; // duplicates
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            for (int k : new int[] {0, n / 3, n / 2, n - 1}) {
                assertEquals(sorted[k], Select.kthSmallest(a, 0, n, k), "n=" + n + " k=" + k);
            }
        }
    }

    @Test
    void smallestKBreaksTiesByLowerIndex() {
        float[] s = {3, 1, 2, 1, 1, 5};
        boolean[] sel = new boolean[6];
        Select.smallestK(s, 0, 6, 2, sel, 0);
        assertArrayEquals(new boolean[] {false, true, false, true, false, false}, sel);
        Select.smallestK(s, 0, 6, 4, sel, 0);
        assertArrayEquals(new boolean[] {false, true, true, true, true, false}, sel);
        Select.smallestK(s, 0, 6, 0, sel, 0);
        assertArrayEquals(new boolean[6], sel);
    }

    @Test
    void smallestKAgreesWithStableSort() {
        Rng r = new Rng(2);
        int n = 999;
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = r.nextInt(50); // many ties
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Float.compare(s[x], s[y])); // stable: ties keep index order
        int k = 400;
        boolean[] expected = new boolean[n];
        for (int i = 0; i < k; i++) {
            expected[idx[i]] = true;
        }
        boolean[] sel = new boolean[n];
        Select.smallestK(s, 0, n, k, sel, 0);
        assertArrayEquals(expected, sel);
    }

    @Test
    void rejectsOutOfRangeK() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Select.kthSmallest(new float[3], 0, 3, 3));
        assertEquals("kthSmallest: k=3 outside [0, 3)", e.getMessage());
    }
}
