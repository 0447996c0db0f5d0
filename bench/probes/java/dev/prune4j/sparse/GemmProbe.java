package dev.prune4j.sparse;

import java.util.Random;

/** Prefill product Y = X·Wᵀ (M rows) for dense F32, 2:4 and 50 % bitmask: ms per product in each of 5 rounds. Args: ROWS COLS M. */
public class GemmProbe {
    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]), cols = Integer.parseInt(a[1]), m = Integer.parseInt(a[2]);
        Random rnd = new Random(1);
        float[] w24 = new float[rows * cols], w50 = new float[rows * cols];
        for (int g = 0; g < w24.length / 4; g++) {
            int p = rnd.nextInt(4), q = (p + 1 + rnd.nextInt(3)) % 4;
            for (int k = 0; k < 4; k++) w24[4 * g + k] = (k == p || k == q) ? (float) rnd.nextGaussian() : 0f;
        }
        for (int i = 0; i < w50.length; i++) w50[i] = rnd.nextBoolean() ? 0f : (float) rnd.nextGaussian();
        float[] x = new float[m * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        SparseMatrix dense = SparseMatrices.pack(w24, rows, cols, SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        SparseMatrix nm = SparseMatrices.pack(w24, rows, cols, SparseSpec.nOfM(2, 4, ValueType.F32));
        SparseMatrix bm = SparseMatrices.pack(w50, rows, cols, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32));
        SparseMatrix[] ms = {dense, nm, bm};
        String[] names = {"dense", "2:4", "bitmask50"};
        float[] y = new float[m * rows], y0 = new float[m * rows];
        dense.gemmT(m, x, 0, cols, y0, 0, rows);
        nm.gemmT(m, x, 0, cols, y, 0, rows);
        double err = 0;
        for (int i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i] - y0[i]) / (1 + Math.abs(y0[i])));
        System.out.printf("max diff 2:4 vs dense %.2e%n", err);
        for (int round = 0; round < 5; round++) {
            StringBuilder sb = new StringBuilder();
            double d = 0;
            for (int v = 0; v < 3; v++) {
                int reps = 5;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) ms[v].gemmT(m, x, 0, cols, y, 0, rows);
                double t = (System.nanoTime() - t0) / 1e6 / reps;
                if (v == 0) d = t;
                sb.append(String.format("%s %.2f ms%s  ", names[v], t, v == 0 ? "" : String.format(" (%.2fx)", d / t)));
            }
            System.out.println(sb);
        }
    }
}
