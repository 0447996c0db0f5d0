package dev.prune4j.kernels;

import dev.prune4j.tensor.Rng;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LanesTest {
    private static float[] wild(Rng rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * Math.exp(rng.nextGaussian() * 6)); // magnitudes far apart: order matters
        }
        return a;
    }

    @Test
    void sumIsTheFixedPairwiseOrderBitForBit() {
        Rng rng = new Rng(3);
        float[] a = wild(rng, 16 * 2000);
        int orderMatters = 0;
        for (int rep = 0; rep < 3; rep++) { // the later repetitions run compiled
            for (int i = 0; i < 2000; i++) {
                int o = 16 * i;
                float[] v = java.util.Arrays.copyOfRange(a, o, o + 16);
                float want8 = ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
                float got8 = Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_256, a, o));
                assertEquals(Float.floatToRawIntBits(want8), Float.floatToRawIntBits(got8), "8 lanes at " + o);
                float want4 = (v[0] + v[2]) + (v[1] + v[3]);
                assertEquals(Float.floatToRawIntBits(want4), Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_128, a, o))));
                float[] h = new float[8];
                for (int j = 0; j < 8; j++) {
                    h[j] = v[j] + v[j + 8];
                }
                float want16 = ((h[0] + h[4]) + (h[2] + h[6])) + ((h[1] + h[5]) + (h[3] + h[7]));
                assertEquals(Float.floatToRawIntBits(want16), Float.floatToRawIntBits(Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_512, a, o))));
                float sequential = 0;
                for (int j = 0; j < 8; j++) {
                    sequential += v[j];
                }
                orderMatters += sequential != want8 ? 1 : 0;
            }
        }
        assertTrue(orderMatters > 100, "the data must make the order visible; differing sums: " + orderMatters);
    }

    /**
     * The stored-lanes form that the kernels use gives the vector sum's bits for 4, 8 and 16
     * lanes (kernel results do not depend on which form a kernel uses), and for each 8-lane half of
     * a 16-lane vector ({@code sumStored8}), and sums other counts in lane order.
     */
    @Test
    void sumStoredIsTheVectorSumBitForBit() {
        Rng rng = new Rng(5);
        float[] a = wild(rng, 16 * 2000);
        float[] t = new float[16];
        for (int i = 0; i < 2000; i++) {
            int o = 16 * i;
            for (var sp : java.util.List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)) {
                FloatVector v = FloatVector.fromArray(sp, a, o);
                v.intoArray(t, 0);
                assertEquals(Float.floatToRawIntBits(Lanes.sum(v)), Float.floatToRawIntBits(Lanes.sumStored(t, sp.length())),
                        sp.length() + " lanes at " + o);
            }
            FloatVector lo = FloatVector.fromArray(FloatVector.SPECIES_256, a, o); // the halves of a 16-lane accumulator
            FloatVector hi = FloatVector.fromArray(FloatVector.SPECIES_256, a, o + 8);
            FloatVector.fromArray(FloatVector.SPECIES_512, a, o).intoArray(t, 0);
            assertEquals(Float.floatToRawIntBits(Lanes.sum(lo)), Float.floatToRawIntBits(Lanes.sumStored8(t, 0)), "low half at " + o);
            assertEquals(Float.floatToRawIntBits(Lanes.sum(hi)), Float.floatToRawIntBits(Lanes.sumStored8(t, 8)), "high half at " + o);
        }
        float[] three = {1e8f, 1f, -1e8f};
        assertEquals(0f, Lanes.sumStored(three, 3)); // (1e8 + 1) - 1e8 in lane order: the 1 is lost
    }

    @Test
    void doubleSumIsTheFixedPairwiseOrder() {
        Rng rng = new Rng(4);
        double[] a = new double[8 * 500];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextGaussian() * Math.exp(rng.nextGaussian() * 20);
        }
        for (int i = 0; i < 500; i++) {
            int o = 8 * i;
            double want = (a[o] + a[o + 2]) + (a[o + 1] + a[o + 3]);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(Lanes.sum(DoubleVector.fromArray(DoubleVector.SPECIES_256, a, o))));
            double want8 = ((a[o] + a[o + 4]) + (a[o + 2] + a[o + 6])) + ((a[o + 1] + a[o + 5]) + (a[o + 3] + a[o + 7]));
            assertEquals(Double.doubleToRawLongBits(want8), Double.doubleToRawLongBits(Lanes.sum(DoubleVector.fromArray(DoubleVector.SPECIES_512, a, o))));
        }
    }

    @Test
    void expIsWithinThreeUlpOfMathExpAndHandlesTheEdges() {
        float[] x = new float[8 * 40000];
        for (int i = 0; i < x.length; i++) {
            x[i] = -86.5f + (88.72f + 86.5f) * i / x.length;
        }
        float[] e = new float[x.length];
        for (int i = 0; i < x.length; i += 8) {
            Lanes.exp(FloatVector.fromArray(FloatVector.SPECIES_256, x, i)).intoArray(e, i);
        }
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double want = Math.exp(x[i]);
            double ulps = Math.abs(e[i] - want) / Math.ulp((float) want);
            worst = Math.max(worst, ulps);
        }
        assertTrue(worst <= 3, "max error " + worst + " ulp");
        float[] edge = {0f, -0f, 89f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -87f, Float.NaN, 1f};
        float[] out = new float[8];
        Lanes.exp(FloatVector.fromArray(FloatVector.SPECIES_256, edge, 0)).intoArray(out, 0);
        assertEquals(1f, out[0]);
        assertEquals(1f, out[1]);
        assertEquals(Float.POSITIVE_INFINITY, out[2]);
        assertEquals(Float.POSITIVE_INFINITY, out[3]);
        assertEquals(0f, out[4]);
        assertEquals(0f, out[5]);
        assertTrue(Float.isNaN(out[6]));
        assertEquals((float) Math.E, out[7], Math.ulp((float) Math.E) * 2);
    }
}
