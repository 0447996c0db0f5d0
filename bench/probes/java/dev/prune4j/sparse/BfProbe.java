package dev.prune4j.sparse;

import java.util.Random;

/** Cold decode matvec with BF16 values vs dense F32 (rotating copies beyond 3× L3), 4096²: arg a sparsity for the bitmask, or 2:4. */
public class BfProbe {
    public static void main(String[] a) {
        int rows = 4096, cols = 4096;
        boolean tf = a[0].equals("2:4");
        double sp = tf ? 0.5 : Double.parseDouble(a[0]);
        Random rnd = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextDouble() < sp ? 0f : (float) rnd.nextGaussian();
        if (tf) for (int g = 0; g < w.length / 4; g++) {
            int p = rnd.nextInt(4), q = (p + 1 + rnd.nextInt(3)) % 4;
            for (int k = 0; k < 4; k++) w[4 * g + k] = (k == p || k == q) ? (float) rnd.nextGaussian() : 0f;
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
        SparseMatrix first = SparseMatrices.pack(w, rows, cols, tf ? SparseSpec.nOfM(2, 4, ValueType.BF16) : SparseSpec.of(SparseFormat.BITMASK, ValueType.BF16));
        SparseMatrix dfirst = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        long l3 = 300L << 20;
        int n = (int) Math.max(2, Math.min(256, 3 * l3 / first.bytes() + 1));
        int nd = (int) Math.max(2, Math.min(64, 3 * l3 / dfirst.bytes() + 1));
        SparseMatrix[] ms = new SparseMatrix[n], ds = new SparseMatrix[nd];
        for (int i = 0; i < n; i++) ms[i] = SparseMatrices.copyOf(first);
        for (int i = 0; i < nd; i++) ds[i] = SparseMatrices.copyOf(dfirst);
        float[] y = new float[rows];
        for (int round = 0; round < 6; round++) {
            int reps = 300;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) ds[i % nd].matvec(x, y);
            double d = (System.nanoTime() - t0) / 1e6 / reps;
            t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) ms[i % n].matvec(x, y);
            double t = (System.nanoTime() - t0) / 1e6 / reps;
            System.out.printf("dense %.3f  bf16 sparse %.3f (%.2fx)%n", d, t, d / t);
        }
    }
}
