package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;
import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.*;
import java.util.Random;

/**
 * CSR decode matvec variants (docs/PERFORMANCE.md, Xeon 2026-12-08, "CSR on 16 lanes"). Args: ROWS
 * COLS SPARSITY hot|cold VARIANT, variant 0 = the product's kernel, 1 = four rows with 8-lane
 * gathers, 2 = two rows with 16-lane gathers, 3 = four rows with 16-lane gathers (scalar rest,
 * or the 8-lane rest with -Dvectail=true), 4 = the product's {@code dot4F32Wide} called directly.
 * Each run times dense F32 and the one variant in alternating rounds.
 */
public class CsrProbe {
    static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256, F16 = FloatVector.SPECIES_512;
    static final VectorSpecies<Short> H8 = ShortVector.SPECIES_128, H16 = ShortVector.SPECIES_256;
    static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256, I16 = IntVector.SPECIES_512;

    static float tail(int p, int p1, float[] v, short[] c, float[] x) {
        float s = 0; for (; p < p1; p++) s += v[p] * x[c[p] & 0xFFFF]; return s;
    }
    // 4 rows, 8-lane gathers, 8 values a step per row
    static void dot4(CsrMatrix m, int[] rows4, float[] x, float[] y, int[] lanes, float[] lt) {
        int[] rp = m.rowPtr; float[] v = m.values.f32; short[] c = m.col16;
        int pa = rp[rows4[0]], pb = rp[rows4[1]], pc = rp[rows4[2]], pd = rp[rows4[3]];
        int ea = rp[rows4[0] + 1], eb = rp[rows4[1] + 1], ec = rp[rows4[2] + 1], ed = rp[rows4[3] + 1];
        int steps = Math.min(Math.min(ea - pa, eb - pb), Math.min(ec - pc, ed - pd)) >>> 3;
        FloatVector A = FloatVector.zero(F8), B = A, C = A, D = A;
        for (int i = 0; i < steps; i++, pa += 8, pb += 8, pc += 8, pd += 8) {
            ((IntVector) ShortVector.fromArray(H8, c, pa).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(H8, c, pb).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 8);
            ((IntVector) ShortVector.fromArray(H8, c, pc).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 16);
            ((IntVector) ShortVector.fromArray(H8, c, pd).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 24);
            A = FloatVector.fromArray(F8, v, pa).fma(FloatVector.fromArray(F8, x, 0, lanes, 0), A);
            B = FloatVector.fromArray(F8, v, pb).fma(FloatVector.fromArray(F8, x, 0, lanes, 8), B);
            C = FloatVector.fromArray(F8, v, pc).fma(FloatVector.fromArray(F8, x, 0, lanes, 16), C);
            D = FloatVector.fromArray(F8, v, pd).fma(FloatVector.fromArray(F8, x, 0, lanes, 24), D);
        }
        A.intoArray(lt, 0); y[rows4[0]] = Lanes.sumStored(lt, 8) + tail(pa, ea, v, c, x);
        B.intoArray(lt, 0); y[rows4[1]] = Lanes.sumStored(lt, 8) + tail(pb, eb, v, c, x);
        C.intoArray(lt, 0); y[rows4[2]] = Lanes.sumStored(lt, 8) + tail(pc, ec, v, c, x);
        D.intoArray(lt, 0); y[rows4[3]] = Lanes.sumStored(lt, 8) + tail(pd, ed, v, c, x);
    }
    // 2 rows, 16-lane gathers
    static void dot2w(CsrMatrix m, int ra, int rb, float[] x, float[] y, int[] lanes, float[] lt) {
        int[] rp = m.rowPtr; float[] v = m.values.f32; short[] c = m.col16;
        int pa = rp[ra], pb = rp[rb], ea = rp[ra + 1], eb = rp[rb + 1];
        int steps = Math.min(ea - pa, eb - pb) >>> 4;
        FloatVector A = FloatVector.zero(F16), B = A;
        for (int i = 0; i < steps; i++, pa += 16, pb += 16) {
            ((IntVector) ShortVector.fromArray(H16, c, pa).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(H16, c, pb).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 16);
            A = FloatVector.fromArray(F16, v, pa).fma(FloatVector.fromArray(F16, x, 0, lanes, 0), A);
            B = FloatVector.fromArray(F16, v, pb).fma(FloatVector.fromArray(F16, x, 0, lanes, 16), B);
        }
        A.intoArray(lt, 0); y[ra] = Lanes.sumStored(lt, 16) + tail(pa, ea, v, c, x);
        B.intoArray(lt, 0); y[rb] = Lanes.sumStored(lt, 16) + tail(pb, eb, v, c, x);
    }
    static boolean VEC_TAIL = Boolean.getBoolean("vectail");
    static float dotF32(int p0, int p1, float[] v, short[] c, float[] x, int xOff, int[] lanes, float[] lt) {
        FloatVector acc0 = FloatVector.zero(F8);
        FloatVector acc1 = FloatVector.zero(F8);
        int p = p0;
        for (; p + 15 < p1; p += 16) {
            ((IntVector) ShortVector.fromArray(H8, c, p).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(H8, c, p + 8).convertShape(VectorOperators.ZERO_EXTEND_S2I, I8, 0)).intoArray(lanes, 8);
            acc0 = FloatVector.fromArray(F8, v, p).fma(FloatVector.fromArray(F8, x, xOff, lanes, 0), acc0);
            acc1 = FloatVector.fromArray(F8, v, p + 8).fma(FloatVector.fromArray(F8, x, xOff, lanes, 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        float s = Lanes.sumStored(lt, 8);
        for (; p < p1; p++) s += v[p] * x[xOff + (c[p] & 0xFFFF)];
        return s;
    }
    static float tail4(int p, int p1, float[] v, short[] c, float[] x, int[] lanes, float[] lt) {
        return VEC_TAIL ? dotF32(p, p1, v, c, x, 0, lanes, lt) : tail(p, p1, v, c, x);
    }
    // 4 rows, 16-lane gathers
    static void dot4w(CsrMatrix m, int[] rows4, float[] x, float[] y, int[] lanes, float[] lt) {
        int[] rp = m.rowPtr; float[] v = m.values.f32; short[] c = m.col16;
        int pa = rp[rows4[0]], pb = rp[rows4[1]], pc = rp[rows4[2]], pd = rp[rows4[3]];
        int ea = rp[rows4[0] + 1], eb = rp[rows4[1] + 1], ec = rp[rows4[2] + 1], ed = rp[rows4[3] + 1];
        int steps = Math.min(Math.min(ea - pa, eb - pb), Math.min(ec - pc, ed - pd)) >>> 4;
        FloatVector A = FloatVector.zero(F16), B = A, C = A, D = A;
        for (int i = 0; i < steps; i++, pa += 16, pb += 16, pc += 16, pd += 16) {
            ((IntVector) ShortVector.fromArray(H16, c, pa).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 0);
            ((IntVector) ShortVector.fromArray(H16, c, pb).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 16);
            ((IntVector) ShortVector.fromArray(H16, c, pc).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 32);
            ((IntVector) ShortVector.fromArray(H16, c, pd).convertShape(VectorOperators.ZERO_EXTEND_S2I, I16, 0)).intoArray(lanes, 48);
            A = FloatVector.fromArray(F16, v, pa).fma(FloatVector.fromArray(F16, x, 0, lanes, 0), A);
            B = FloatVector.fromArray(F16, v, pb).fma(FloatVector.fromArray(F16, x, 0, lanes, 16), B);
            C = FloatVector.fromArray(F16, v, pc).fma(FloatVector.fromArray(F16, x, 0, lanes, 32), C);
            D = FloatVector.fromArray(F16, v, pd).fma(FloatVector.fromArray(F16, x, 0, lanes, 48), D);
        }
        A.intoArray(lt, 0); y[rows4[0]] = Lanes.sumStored(lt, 16) + tail4(pa, ea, v, c, x, lanes, lt);
        B.intoArray(lt, 0); y[rows4[1]] = Lanes.sumStored(lt, 16) + tail4(pb, eb, v, c, x, lanes, lt);
        C.intoArray(lt, 0); y[rows4[2]] = Lanes.sumStored(lt, 16) + tail4(pc, ec, v, c, x, lanes, lt);
        D.intoArray(lt, 0); y[rows4[3]] = Lanes.sumStored(lt, 16) + tail4(pd, ed, v, c, x, lanes, lt);
    }
    static void run(CsrMatrix m, float[] x, float[] y, int variant) {
        Parallel.forRange(m.rows, 8, 1L << 40, (r0, r1) -> {
            int[] lanes = new int[64]; float[] lt = new float[16]; int[] r4 = new int[4];
            if (variant == 1) {
                int q = (r1 - r0) >>> 2;
                for (int i = 0; i < q; i++) { r4[0] = r0 + i; r4[1] = r0 + q + i; r4[2] = r0 + 2 * q + i; r4[3] = r0 + 3 * q + i; dot4(m, r4, x, y, lanes, lt); }
            } else if (variant == 2) {
                int h = (r1 - r0) >>> 1;
                for (int i = 0; i < h; i++) dot2w(m, r0 + i, r0 + h + i, x, y, lanes, lt);
            } else if (variant == 3) {
                int q = (r1 - r0) >>> 2;
                for (int i = 0; i < q; i++) { r4[0] = r0 + i; r4[1] = r0 + q + i; r4[2] = r0 + 2 * q + i; r4[3] = r0 + 3 * q + i; dot4w(m, r4, x, y, lanes, lt); }
            } else {
                int q = (r1 - r0) >>> 2;
                for (int i = 0; i < q; i++) { int aa = r0 + i; m.dot4F32Wide(aa, aa + q, aa + 2 * q, aa + 3 * q, x, 0, lanes, lt, y, 0); }
            }
        });
    }
    public static void main(String[] a) {
        int rows = Integer.parseInt(a[0]), cols = Integer.parseInt(a[1]);
        double sp = Double.parseDouble(a[2]);
        boolean hot = a.length > 3 && a[3].equals("hot");
        Random rnd = new Random(1);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = rnd.nextDouble() < sp ? 0f : (float) rnd.nextGaussian();
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) x[i] = (float) rnd.nextGaussian();
        SparseMatrix first = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.CSR, ValueType.F32));
        SparseMatrix dfirst = SparseMatrices.pack(w, rows, cols, SparseSpec.of(SparseFormat.DENSE, ValueType.F32));
        long l3 = 300L << 20;
        int n = hot ? 1 : (int) Math.max(2, Math.min(256, 3 * l3 / first.bytes() + 1));
        int nd = hot ? 1 : (int) Math.max(2, Math.min(64, 3 * l3 / dfirst.bytes() + 1));
        SparseMatrix[] ms = new SparseMatrix[n], ds = new SparseMatrix[nd];
        for (int i = 0; i < n; i++) ms[i] = SparseMatrices.copyOf(first);
        for (int i = 0; i < nd; i++) ds[i] = SparseMatrices.copyOf(dfirst);
        float[] y0 = new float[rows], y1 = new float[rows];
        dfirst.matvec(x, y0);
        double err = 0;
        int only = Integer.parseInt(a[4]);
        for (int v = only; v == only && v > 0; v++) { java.util.Arrays.fill(y1, Float.NaN); run((CsrMatrix) first, x, y1, v);
            for (int i = 0; i < rows; i++) err = Math.max(err, Math.abs(y0[i] - y1[i]) / (1e-3 + Math.abs(y0[i]))); }
        System.out.printf("copies %d/%d, bytes %d, max rel diff %.2e%n", n, nd, first.bytes(), err);
        String[] names = {"dense", "current", "dot4", "dot2w", "dot4w", "real4w"};
        for (int round = 0; round < 8; round++) {
            StringBuilder sb = new StringBuilder();
            double dense = 0;
            for (int v = 0; v < names.length; v++) {
                if (v != 0 && v != only + 1) continue;
                int reps = 300;
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    if (v == 0) ds[i % nd].matvec(x, y0); else if (v == 1) ms[i % n].matvec(x, y0); else run((CsrMatrix) ms[i % n], x, y0, v - 1);
                }
                double t = (System.nanoTime() - t0) / 1e6 / reps;
                if (v == 0) dense = t;
                sb.append(String.format("%s %.3f%s  ", names[v], t, v == 0 ? "" : String.format(" (%.2fx)", dense / t)));
            }
            System.out.println(sb);
        }
    }
}
