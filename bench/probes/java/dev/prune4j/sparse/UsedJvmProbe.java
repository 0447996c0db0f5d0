package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;
import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.nio.file.Files;
import java.util.Random;

/**
 * Does a kernel slow down in a JVM that has run the format calibration? Times, cold (rotating
 * copies over 3× a 300 MiB L3), the product's dense, bitmask and 2:4 matvecs on a 2:4-pruned
 * layer, plus two copies of the four-row bitmask loop that differ only in how they end: the lane
 * sum of each accumulator by {@link Lanes#sum(FloatVector)} (a call that takes the vector) or by
 * {@link Lanes#sumStored} (lanes stored first). Modes: {@code fresh}; {@code calibrate} (the
 * selector first calibrates a 256-row slice of the layer on another thread); {@code mixed-sums}
 * (Lanes.sum is first called with vectors of 4, 8 and 16 lanes, as all kernels did before they
 * moved to sumStored). Run by bench/probes/used-jvm.sh.
 */
public final class UsedJvmProbe {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    private UsedJvmProbe() {
    }

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int cols = Integer.parseInt(args[1]);
        String mode = args.length > 2 ? args[2] : "fresh";
        boolean calibrate = mode.equals("calibrate");
        Random rnd = new Random(1);
        float[] w = new float[rows * cols];
        for (int g = 0; g < w.length / 4; g++) { // 2 of every 4 kept
            int a = rnd.nextInt(4);
            int b = (a + 1 + rnd.nextInt(3)) % 4;
            for (int k = 0; k < 4; k++) {
                w[4 * g + k] = k == a || k == b ? (float) rnd.nextGaussian() : 0f;
            }
        }
        float[] x = new float[cols];
        java.util.Arrays.fill(x, 0.5f);
        float[] y = new float[rows];
        String[] names = {"dense", "bitmask", "2:4"};
        SparseSpec[] specs = {SparseSpec.of(SparseFormat.DENSE, ValueType.F32), SparseSpec.of(SparseFormat.BITMASK, ValueType.F32),
                SparseSpec.nOfM(2, 4, ValueType.F32)};
        SparseMatrix[][] copies = new SparseMatrix[3][];
        for (int f = 0; f < 3; f++) {
            SparseMatrix first = SparseMatrices.pack(w, rows, cols, specs[f]);
            copies[f] = new SparseMatrix[SparseSelector.coldCopies(first.bytes(), 900L << 20, 4L << 30)];
            for (int i = 0; i < copies[f].length; i++) {
                copies[f][i] = SparseMatrices.copyOf(first);
            }
        }
        if (calibrate) {
            Thread t = new Thread(() -> {
                try {
                    SparseSelector s = new SparseSelector(Files.createTempDirectory("prune4j-probe"));
                    SparseSelector.Choice c = s.choose(java.util.Arrays.copyOf(w, 256 * cols), 256, cols, ValueType.F32, 1);
                    System.out.printf("calibration of a 256x%d slice chose %s (dense %.0f us, chosen %.0f us)%n", cols,
                            c.matrix().formatName(), c.denseNanos() / 1e3, c.chosenNanos() / 1e3);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.start();
            t.join();
        }
        if (mode.equals("mixed-sums")) { // what the kernels did before: Lanes.sum called with 4-, 8- and 16-lane vectors
            float[] a = new float[16];
            java.util.Arrays.fill(a, 1f);
            float s = 0;
            for (int i = 0; i < 200_000; i++) {
                s += Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_128, a, 0));
                s += Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_256, a, 0));
                s += Lanes.sum(FloatVector.fromArray(FloatVector.SPECIES_512, a, 0));
            }
            System.out.println("Lanes.sum called with 4-, 8- and 16-lane vectors (" + s + ")");
        }
        System.out.println("ms per product, cold: dense, bitmask, 2:4 (the product's kernels), then the four-row bitmask loop ending in Lanes.sum / in Lanes.sumStored");
        for (int round = 0; round < 6; round++) {
            StringBuilder sb = new StringBuilder();
            for (int f = 0; f < 3; f++) {
                SparseMatrix[] ms = copies[f];
                sb.append(String.format("%s %.3f  ", names[f], time(i -> ms[i % ms.length].matvec(x, y))));
            }
            SparseMatrix[] bm = copies[1];
            sb.append(String.format("loop+sum %.3f  ", time(i -> fourRows((BitmaskMatrix) bm[i % bm.length], x, y, false))));
            sb.append(String.format("loop+sumStored %.3f", time(i -> fourRows((BitmaskMatrix) bm[i % bm.length], x, y, true))));
            System.out.println(sb);
        }
    }

    private static double time(java.util.function.IntConsumer product) {
        int reps = 300;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            product.accept(i);
        }
        return (System.nanoTime() - t0) / 1e6 / reps;
    }

    private static void fourRows(BitmaskMatrix m, float[] x, float[] y, boolean stored) {
        Parallel.forRange(m.rows, 8, 1_000_000, (r0, r1) -> {
            for (int r = r0; r + 3 < r1; r += 4) {
                if (stored) {
                    rowsStored(m, r, x, y);
                } else {
                    rowsSum(m, r, x, y);
                }
            }
        });
    }

    /** Rows r … r + 3 as BitmaskMatrix.rows4F32Wide (no column tail: cols must be a multiple of 64), ending in Lanes.sum. */
    private static void rowsSum(BitmaskMatrix m, int r, float[] x, float[] y) {
        float[] v = m.values.f32;
        long[] mk = m.mask;
        int wpr = m.wordsPerRow;
        int m0 = r * wpr;
        int p0 = m.rowStart[r];
        int p1 = m.rowStart[r + 1];
        int p2 = m.rowStart[r + 2];
        int p3 = m.rowStart[r + 3];
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int wi = 0; wi < wpr; wi++) {
            long w0 = mk[m0 + wi];
            long w1 = mk[m0 + wpr + wi];
            long w2 = mk[m0 + 2 * wpr + wi];
            long w3 = mk[m0 + 3 * wpr + wi];
            for (int k = 0; k < 64; k += 16) {
                FloatVector xv = FloatVector.fromArray(F, x, (wi << 6) + k);
                long b0 = w0 >>> k & 0xFFFF;
                long b1 = w1 >>> k & 0xFFFF;
                long b2 = w2 >>> k & 0xFFFF;
                long b3 = w3 >>> k & 0xFFFF;
                a0 = FloatVector.fromArray(F, v, p0).expand(VectorMask.fromLong(F, b0)).fma(xv, a0);
                a1 = FloatVector.fromArray(F, v, p1).expand(VectorMask.fromLong(F, b1)).fma(xv, a1);
                a2 = FloatVector.fromArray(F, v, p2).expand(VectorMask.fromLong(F, b2)).fma(xv, a2);
                a3 = FloatVector.fromArray(F, v, p3).expand(VectorMask.fromLong(F, b3)).fma(xv, a3);
                p0 += Long.bitCount(b0);
                p1 += Long.bitCount(b1);
                p2 += Long.bitCount(b2);
                p3 += Long.bitCount(b3);
            }
        }
        y[r] = Lanes.sum(a0);
        y[r + 1] = Lanes.sum(a1);
        y[r + 2] = Lanes.sum(a2);
        y[r + 3] = Lanes.sum(a3);
    }

    /** Rows r … r + 3 as BitmaskMatrix.rows4F32Wide (no column tail: cols must be a multiple of 64), ending in Lanes.sumStored. */
    private static void rowsStored(BitmaskMatrix m, int r, float[] x, float[] y) {
        float[] v = m.values.f32;
        long[] mk = m.mask;
        int wpr = m.wordsPerRow;
        int m0 = r * wpr;
        int p0 = m.rowStart[r];
        int p1 = m.rowStart[r + 1];
        int p2 = m.rowStart[r + 2];
        int p3 = m.rowStart[r + 3];
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int wi = 0; wi < wpr; wi++) {
            long w0 = mk[m0 + wi];
            long w1 = mk[m0 + wpr + wi];
            long w2 = mk[m0 + 2 * wpr + wi];
            long w3 = mk[m0 + 3 * wpr + wi];
            for (int k = 0; k < 64; k += 16) {
                FloatVector xv = FloatVector.fromArray(F, x, (wi << 6) + k);
                long b0 = w0 >>> k & 0xFFFF;
                long b1 = w1 >>> k & 0xFFFF;
                long b2 = w2 >>> k & 0xFFFF;
                long b3 = w3 >>> k & 0xFFFF;
                a0 = FloatVector.fromArray(F, v, p0).expand(VectorMask.fromLong(F, b0)).fma(xv, a0);
                a1 = FloatVector.fromArray(F, v, p1).expand(VectorMask.fromLong(F, b1)).fma(xv, a1);
                a2 = FloatVector.fromArray(F, v, p2).expand(VectorMask.fromLong(F, b2)).fma(xv, a2);
                a3 = FloatVector.fromArray(F, v, p3).expand(VectorMask.fromLong(F, b3)).fma(xv, a3);
                p0 += Long.bitCount(b0);
                p1 += Long.bitCount(b1);
                p2 += Long.bitCount(b2);
                p3 += Long.bitCount(b3);
            }
        }
        float[] lt = new float[16];
        a0.intoArray(lt, 0);
        y[r] = Lanes.sumStored(lt, 16);
        a1.intoArray(lt, 0);
        y[r + 1] = Lanes.sumStored(lt, 16);
        a2.intoArray(lt, 0);
        y[r + 2] = Lanes.sumStored(lt, 16);
        a3.intoArray(lt, 0);
        y[r + 3] = Lanes.sumStored(lt, 16);
    }
}
