package dev.prune4j.kernels;

import dev.prune4j.sparse.SparseMatrices;
import dev.prune4j.sparse.SparseMatrix;
import dev.prune4j.sparse.SparseSpec;
import dev.prune4j.sparse.SparseFormat;
import dev.prune4j.sparse.ValueType;
import dev.prune4j.tensor.Rng;

/**
 * Runs a fixed set of vector kernels on fixed data and folds every output bit into one checksum.
 * {@link ExecutionModeDeterminismTest} compares the checksum of a warmed-up JVM with that of a
 * JVM that only interprets ({@code -Xint}, the Vector API's Java fallback): they must be equal.
 */
public final class KernelDeterminismProbe {
    private KernelDeterminismProbe() {
    }

    static long checksum() {
        Kernels k = Kernels.get();
        Rng rng = new Rng(20261123);
        long h = 17;
        int n = 37;
        int cols = 203; // not a multiple of any vector length: tails run too
        float[] w = new float[n * cols];
        float[] x = new float[cols];
        rng.fillGaussian(w, 0f, 3f);
        rng.fillGaussian(x, 0f, 30f);
        float[] y = new float[n];
        k.matvec(n, cols, w, 0, cols, x, 0, y, 0);
        h = fold(h, y);
        h = fold(h, new float[] {k.dot(cols, w, 0, x, 0)});
        float[] sm = x.clone();
        k.softmax(sm, 0, 1, cols, cols);
        h = fold(h, sm);
        float[] si = x.clone();
        k.silu(si, 0, cols);
        h = fold(h, si);
        float[] ge = x.clone();
        k.gelu(ge, 0, cols);
        h = fold(h, ge);
        float[] ln = new float[cols];
        float[] gamma = new float[cols];
        float[] beta = new float[cols];
        rng.fillGaussian(gamma, 1f, 0.1f);
        rng.fillGaussian(beta, 0f, 0.1f);
        k.layerNorm(x, 0, gamma, beta, 1e-5f, ln, 0, 1, cols);
        h = fold(h, ln);
        k.rmsNorm(x, 0, gamma, 0, 1e-5f, ln, 0, 1, cols);
        h = fold(h, ln);
        float[] sweep = new float[4096];
        for (int i = 0; i < sweep.length; i++) {
            sweep[i] = -100f + 200f * i / sweep.length;
        }
        float[] e = new float[sweep.length];
        for (int i = 0; i < sweep.length; i += 8) {
            Lanes.exp(jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_256, sweep, i))
                    .intoArray(e, i);
        }
        h = fold(h, e);
        // sparse matvecs (2:4 and bitmask keep only the larger half of each group / row)
        int sc = 256;
        float[] sw = new float[n * sc];
        rng.fillGaussian(sw, 0f, 1f);
        boolean[] keep = new boolean[sw.length];
        for (int i = 0; i < sw.length; i += 4) {
            int a = Math.abs(sw[i]) >= Math.abs(sw[i + 1]) ? i : i + 1;
            int b = Math.abs(sw[i + 2]) >= Math.abs(sw[i + 3]) ? i + 2 : i + 3;
            keep[a] = true;
            keep[b] = true;
        }
        for (int i = 0; i < sw.length; i++) {
            sw[i] = keep[i] ? sw[i] : 0f;
        }
        float[] sx = new float[sc];
        rng.fillGaussian(sx, 0f, 10f);
        for (SparseSpec spec : new SparseSpec[] {SparseSpec.nOfM(2, 4, ValueType.F32), SparseSpec.of(SparseFormat.BITMASK, ValueType.F32),
                SparseSpec.of(SparseFormat.CSR, ValueType.F32), SparseSpec.of(SparseFormat.BITMASK, ValueType.INT8)}) {
            SparseMatrix m = SparseMatrices.pack(sw, keep, n, sc, spec);
            float[] sy = new float[n];
            m.matvec(sx, sy);
            h = fold(h, sy);
        }
        // float64 dot products (SparseGPT's linear algebra)
        double[] da = new double[301];
        double[] db = new double[301];
        for (int i = 0; i < da.length; i++) {
            da[i] = rng.nextGaussian() * Math.exp(rng.nextGaussian() * 5);
            db[i] = rng.nextGaussian();
        }
        h = h * 1_000_003 + Double.doubleToRawLongBits(DoubleVectors.dot(da, 0, db, 0, da.length));
        return h;
    }

    private static long fold(long h, float[] a) {
        for (float v : a) {
            h = h * 1_000_003 + Float.floatToRawIntBits(v);
        }
        return h;
    }

    public static void main(String[] args) {
        System.out.println(checksum());
    }
}
