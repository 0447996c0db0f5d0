package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;
import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.*;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * 2:4 decode matvec on 16 lanes: the product's kernel against inputs selected by a permute
 * (docs/PERFORMANCE.md, Xeon 2026-12-08, "2:4 on 16 lanes selects inputs"; the select variant is
 * what {@code NofMMatrix.rows8Wide24F32} became). Args: ROWS COLS hot|cold VARIANT, variant 1 =
 * the product's kernel, 2 = select via {@code selectFrom}, 3 = select via {@code rearrange},
 * 4 = bitmask of the same weights. Each run times dense F32 and the one variant in alternating rounds.
 */
public class PermProbe {
    static final VectorSpecies<Float> F = Vec16.F;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final IntVector SHIFTS, BASE;
    static {
        int[] s = new int[16], b = new int[16];
        for (int k = 0; k < 16; k++) { s[k] = 2 * k; b[k] = 4 * ((k & 7) >> 1); }
        SHIFTS = IntVector.fromArray(I, s, 0); BASE = IntVector.fromArray(I, b, 0);
    }
    static IntVector sel(int word) {
        return IntVector.broadcast(I, word).lanewise(VectorOperators.LSHR, SHIFTS).and(3).or(BASE);
    }
    /** two blocks of four rows from r (rows r..r+7), selectFrom variant. */
    static void perm8(NofMMatrix m, int r, int full, float[] x, float[] y, boolean useSelect) {
        float[] v = m.values.f32; byte[] ix = m.idx;
        int va = r * m.perRow, vb = va + 4 * m.perRow;
        int ia = r * m.idxStride, ib = ia + 4 * m.idxStride;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            IntVector xi = FloatVector.fromArray(F, x, 16 * j).reinterpretAsInts();
            int p = va + 32 * j, q = ia + 8 * j, pb = vb + 32 * j, qb = ib + 8 * j;
            a0 = FloatVector.fromArray(F, v, p).fma(sel((int) INT.get(ix, q)).selectFrom(xi).reinterpretAsFloats(), a0);
            a1 = FloatVector.fromArray(F, v, p + 16).fma(sel((int) INT.get(ix, q + 4)).selectFrom(xi).reinterpretAsFloats(), a1);
            a2 = FloatVector.fromArray(F, v, pb).fma(sel((int) INT.get(ix, qb)).selectFrom(xi).reinterpretAsFloats(), a2);
            a3 = FloatVector.fromArray(F, v, pb + 16).fma(sel((int) INT.get(ix, qb + 4)).selectFrom(xi).reinterpretAsFloats(), a3);
        }
        float[] lt = new float[16];
        a0.intoArray(lt, 0); y[r] = Lanes.sumStored(lt, 8); y[r + 1] = sumHi(lt);
        a1.intoArray(lt, 0); y[r + 2] = Lanes.sumStored(lt, 8); y[r + 3] = sumHi(lt);
        a2.intoArray(lt, 0); y[r + 4] = Lanes.sumStored(lt, 8); y[r + 5] = sumHi(lt);
        a3.intoArray(lt, 0); y[r + 6] = Lanes.sumStored(lt, 8); y[r + 7] = sumHi(lt);
    }
    static void perm8r(NofMMatrix m, int r, int full, float[] x, float[] y) {
        float[] v = m.values.f32; byte[] ix = m.idx;
        int va = r * m.perRow, vb = va + 4 * m.perRow;
        int ia = r * m.idxStride, ib = ia + 4 * m.idxStride;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            FloatVector xv = FloatVector.fromArray(F, x, 16 * j);
            int p = va + 32 * j, q = ia + 8 * j, pb = vb + 32 * j, qb = ib + 8 * j;
            a0 = FloatVector.fromArray(F, v, p).fma(xv.reinterpretAsInts().rearrange(sel((int) INT.get(ix, q)).toShuffle()).reinterpretAsFloats(), a0);
            a1 = FloatVector.fromArray(F, v, p + 16).fma(xv.reinterpretAsInts().rearrange(sel((int) INT.get(ix, q + 4)).toShuffle()).reinterpretAsFloats(), a1);
            a2 = FloatVector.fromArray(F, v, pb).fma(xv.reinterpretAsInts().rearrange(sel((int) INT.get(ix, qb)).toShuffle()).reinterpretAsFloats(), a2);
            a3 = FloatVector.fromArray(F, v, pb + 16).fma(xv.reinterpretAsInts().rearrange(sel((int) INT.get(ix, qb + 4)).toShuffle()).reinterpretAsFloats(), a3);
        }
        float[] lt = new float[16];
        a0.intoArray(lt, 0); y[r] = Lanes.sumStored(lt, 8); y[r + 1] = sumHi(lt);
        a1.intoArray(lt, 0); y[r + 2] = Lanes.sumStored(lt, 8); y[r + 3] = sumHi(lt);
        a2.intoArray(lt, 0); y[r + 4] = Lanes.sumStored(lt, 8); y[r + 5] = sumHi(lt);
        a3.intoArray(lt, 0); y[r + 6] = Lanes.sumStored(lt, 8); y[r + 7] = sumHi(lt);
    }
    static float sumHi(float[] lt) { float[] h = new float[8]; System.arraycopy(lt, 8, h, 0, 8); return Lanes.sumStored(h, 8); }
    static void run(NofMMatrix m, float[] x, float[] y, int variant) {
        int full = m.cols & ~15;
        Parallel.forRange(m.rows, 8, 1L << 40, (r0, r1) -> {
            for (int r = r0; r + 7 < r1; r += 8) {
                if (variant == 0) perm8(m, r, full, x, y, true); else perm8r(m, r, full, x, y);
            }
        });
    }
    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]), cols = Integer.parseInt(a[1]);
        boolean hot = a[2].equals("hot");
        Random rnd = new Random(1);
        float[] w = new float[rows * cols];
        for (int g = 0; g < w.length / 4; g++) {
            int p = rnd.nextInt(4), q = (p + 1 + rnd.nextInt(3)) % 4;
            for (int k = 0; k < 4; k++) w[4 * g + k] = (k == p || k == q) ? (float) rnd.nextGaussian() : 0f;
        }
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
        SparseMatrix first = SparseMatrices.pack(w, rows, cols, SparseSpec.nOfM(2, 4, ValueType.F32));
        SparseMatrix dfirst = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        SparseMatrix bfirst = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.BITMASK, ValueType.F32));
        long l3 = 300L << 20;
        int n = hot ? 1 : (int) Math.max(2, Math.min(64, 3 * l3 / first.bytes() + 1));
        int nd = hot ? 1 : (int) Math.max(2, Math.min(64, 3 * l3 / dfirst.bytes() + 1));
        SparseMatrix[] ms = new SparseMatrix[n], ds = new SparseMatrix[nd], bs = new SparseMatrix[n];
        for (int i = 0; i < n; i++) { ms[i] = SparseMatrices.copyOf(first); bs[i] = SparseMatrices.copyOf(bfirst); }
        for (int i = 0; i < nd; i++) ds[i] = SparseMatrices.copyOf(dfirst);
        float[] y0 = new float[rows], y1 = new float[rows];
        dfirst.matvec(x, y0);
        double err = 0;
        for (int v = 0; v < 2; v++) { run((NofMMatrix) first, x, y1, v);
            for (int i = 0; i < rows; i++) err = Math.max(err, Math.abs(y0[i] - y1[i]) / (1e-3 + Math.abs(y0[i]))); }
        System.out.printf("copies %d/%d, bytes %d, max rel diff %.2e%n", n, nd, first.bytes(), err);
        String[] names = {"dense", "current", "select", "rearr", "bitmask"};
        int only = Integer.parseInt(a[3]);
        for (int round = 0; round < 6; round++) {
            StringBuilder sb = new StringBuilder();
            for (int v = 0; v < names.length; v++) {
                if (v != 0 && v != only) continue;
                int reps = 200;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    switch (v) {
                        case 0 -> ds[i % nd].matvec(x, y0);
                        case 1 -> ms[i % n].matvec(x, y0);
                        case 2 -> run((NofMMatrix) ms[i % n], x, y0, 0);
                        case 3 -> run((NofMMatrix) ms[i % n], x, y0, 1);
                        default -> bs[i % n].matvec(x, y0);
                    }
                }
                sb.append(String.format("%s %.3f  ", names[v], (System.nanoTime() - t0) / 1e6 / reps));
            }
            System.out.println(sb);
        }
    }
}
