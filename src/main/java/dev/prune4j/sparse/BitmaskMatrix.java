package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bitmask format: one bit per weight (bit c of row r is bit c%64 of word r·wordsPerRow + c/64)
 * and the stored values packed row by row. 1/8 byte of index per weight, whatever the sparsity,
 * so it moves the fewest bytes at moderate sparsity (30–80%). The fast matvec expands each mask
 * byte into 8 dense lanes with a table shuffle and one FMA (as Flash-LLM's "load as sparse,
 * compute as dense", Xia et al. 2024). Where vectors have 16 float lanes (AVX-512, {@link Vec16}),
 * F32 and INT8 rows instead expand 16 packed values at a time with the Vector API's {@code expand},
 * without tables.
 */
final class BitmaskMatrix extends AbstractSparseMatrix {
    private static final VectorSpecies<Float> F16 = Vec16.F;
    final int wordsPerRow;
    /** mask: [rows, wordsPerRow] */
    final long[] mask;
    /** rowStart: [rows + 1] offsets into the values */
    final int[] rowStart;
    final PackedValues values;

    BitmaskMatrix(int rows, int cols, long[] mask, int[] rowStart, PackedValues values) {
        super(rows, cols);
        this.wordsPerRow = (cols + 63) >>> 6;
        this.mask = mask;
        this.rowStart = rowStart;
        this.values = values;
    }

    /** Packs the entries of {@code w: [rows, cols]} where {@code keep} is true (null: w ≠ 0). */
    static BitmaskMatrix of(float[] w, boolean[] keep, int rows, int cols, ValueType type) {
        int wpr = (cols + 63) >>> 6;
        long[] mask = new long[rows * wpr];
        int[] rowStart = new int[rows + 1];
        float[] vals = new float[SparseMatrices.countKept(w, keep)];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            rowStart[r] = n;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (SparseMatrices.kept(w, keep, i)) {
                    mask[r * wpr + (c >>> 6)] |= 1L << (c & 63);
                    vals[n++] = w[i];
                }
            }
        }
        rowStart[rows] = n;
        return new BitmaskMatrix(rows, cols, mask, rowStart, PackedValues.pack(type, vals, n, rowStart, rows));
    }

    @Override
    AbstractSparseMatrix copy() {
        return new BitmaskMatrix(rows, cols, mask.clone(), rowStart.clone(), values.copy());
    }

    @Override
    public long nnz() {
        return values.count;
    }

    @Override
    public long bytes() {
        return 8L * mask.length + 4L * rowStart.length + values.bytes();
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.BITMASK;
    }

    @Override
    public ValueType valueType() {
        return values.type;
    }

    @Override
    public String formatName() {
        return "bitmask";
    }

    @Override
    public int row(int r, int[] colsOut, float[] valsOut) {
        int p = rowStart[r];
        int n = 0;
        float s = values.scale(r);
        for (int wi = 0; wi < wordsPerRow; wi++) {
            long word = mask[r * wordsPerRow + wi];
            while (word != 0) {
                colsOut[n] = wi * 64 + Long.numberOfTrailingZeros(word);
                valsOut[n++] = values.raw(p++) * s;
                word &= word - 1;
            }
        }
        return n;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        boolean rows4 = Vec16.WIDE && values.type == ValueType.F32;
        boolean rows4Bf16 = Vec16.WIDE && values.type == ValueType.BF16;
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            int r = r0;
            if (rows4) {
                for (; r + 3 < r1; r += 4) {
                    rows4F32Wide(r, x, xOff, y, yOff);
                }
            } else if (rows4Bf16) {
                for (; r + 3 < r1; r += 4) {
                    rows4Wide(r, true, x, xOff, y, yOff);
                }
            }
            for (; r < r1; r++) {
                y[yOff + r] = rowDot(r, x, xOff) * values.scale(r);
            }
        });
    }

    /**
     * Rows r … r + 3 of an F32 matrix on 16 lanes, into y[yOff + r …]: as {@link #rowF32Wide}, with
     * the four rows' value streams read side by side and one x load shared by four FMAs. Four
     * streams instead of one is what counts: on a Sapphire Rapids-class Xeon (2 vCPUs) one row at a
     * time streamed 50 %-sparse 4096² weights at 2.1 ms against 1.6 ms for four rows, whose
     * in-cache cost is about the same (the memory time added to the compute time, as if each row's
     * misses waited for its own arithmetic; more streams overlap them).
     */
    void rows4F32Wide(int r, float[] x, int xOff, float[] y, int yOff) {
        rows4Wide(r, false, x, xOff, y, yOff);
    }

    /** As {@link #rows4F32Wide} with BF16 values: 16 of them widened to float32 lanes, then expanded. */
    void rows4Bf16Wide(int r, float[] x, int xOff, float[] y, int yOff) {
        rows4Wide(r, true, x, xOff, y, yOff);
    }

    private void rows4Wide(int r, boolean bf16, float[] x, int xOff, float[] y, int yOff) {
        float[] v = values.f32;
        short[] h = values.half;
        long[] mk = mask;
        int wpr = wordsPerRow;
        int m0 = r * wpr;
        int m1 = m0 + wpr;
        int m2 = m1 + wpr;
        int m3 = m2 + wpr;
        int p0 = rowStart[r];
        int p1 = rowStart[r + 1];
        int p2 = rowStart[r + 2];
        int p3 = rowStart[r + 3];
        float[] lt = new float[16]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(F16);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int words = cols >>> 6;
        for (int wi = 0; wi < words; wi++) {
            long w0 = mk[m0 + wi];
            long w1 = mk[m1 + wi];
            long w2 = mk[m2 + wi];
            long w3 = mk[m3 + wi];
            int c = xOff + (wi << 6);
            for (int k = 0; k < 64; k += 16) { // four 16-bit quarters of each word (unrolled by C2)
                FloatVector xv = FloatVector.fromArray(F16, x, c + k);
                long b0 = w0 >>> k & 0xFFFF;
                long b1 = w1 >>> k & 0xFFFF;
                long b2 = w2 >>> k & 0xFFFF;
                long b3 = w3 >>> k & 0xFFFF;
                a0 = Vec16.values(bf16, v, h, p0).expand(VectorMask.fromLong(F16, b0)).fma(xv, a0);
                a1 = Vec16.values(bf16, v, h, p1).expand(VectorMask.fromLong(F16, b1)).fma(xv, a1);
                a2 = Vec16.values(bf16, v, h, p2).expand(VectorMask.fromLong(F16, b2)).fma(xv, a2);
                a3 = Vec16.values(bf16, v, h, p3).expand(VectorMask.fromLong(F16, b3)).fma(xv, a3);
                p0 += Long.bitCount(b0);
                p1 += Long.bitCount(b1);
                p2 += Long.bitCount(b2);
                p3 += Long.bitCount(b3);
            }
        }
        int c = words << 6;
        a0.intoArray(lt, 0);
        y[yOff + r] = Lanes.sumStored(lt, 16) + tail(m0, p0, c, x, xOff);
        a1.intoArray(lt, 0);
        y[yOff + r + 1] = Lanes.sumStored(lt, 16) + tail(m1, p1, c, x, xOff);
        a2.intoArray(lt, 0);
        y[yOff + r + 2] = Lanes.sumStored(lt, 16) + tail(m2, p2, c, x, xOff);
        a3.intoArray(lt, 0);
        y[yOff + r + 3] = Lanes.sumStored(lt, 16) + tail(m3, p3, c, x, xOff);
    }

    /**
     * Σ_c W[r, c]·x[c] before the INT8 scale: 16 columns a step, each mask byte expanded into 8
     * dense lanes in registers. One loop per value type: a type switch inside the loop would merge
     * vectors of different origins, which C2 then boxes (measured 5× slower).
     */
    private float rowDot(int r, float[] x, int xOff) {
        return switch (values.type) {
            case F32 -> Vec16.WIDE ? rowF32Wide(r, x, xOff) : rowF32(r, x, xOff);
            case BF16 -> rowBf16(r, x, xOff);
            case F16 -> rowF16(r, x, xOff);
            case INT8 -> Vec16.WIDE ? rowI8Wide(r, x, xOff) : rowI8(r, x, xOff);
        };
    }

    /**
     * F32 row, 16 columns a step: the next 16 packed values (whatever their count, the array is
     * padded) expanded under the 16 mask bits, so lanes without a stored value are zero; two
     * accumulators over the four 16-bit quarters of each mask word.
     */
    float rowF32Wide(int r, float[] x, int xOff) {
        float[] vals = values.f32;
        long[] mk = mask;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[16]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(F16);
        FloatVector acc1 = FloatVector.zero(F16);
        int words = cols >>> 6;
        for (int wi = 0; wi < words; wi++) {
            long word = mk[mo + wi];
            int c = xOff + (wi << 6);
            long b0 = word & 0xFFFF;
            long b1 = word >>> 16 & 0xFFFF;
            long b2 = word >>> 32 & 0xFFFF;
            long b3 = word >>> 48;
            int p1 = p + Long.bitCount(b0);
            int p2 = p1 + Long.bitCount(b1);
            int p3 = p2 + Long.bitCount(b2);
            acc0 = FloatVector.fromArray(F16, vals, p).expand(VectorMask.fromLong(F16, b0)).fma(FloatVector.fromArray(F16, x, c), acc0);
            acc1 = FloatVector.fromArray(F16, vals, p1).expand(VectorMask.fromLong(F16, b1)).fma(FloatVector.fromArray(F16, x, c + 16), acc1);
            acc0 = FloatVector.fromArray(F16, vals, p2).expand(VectorMask.fromLong(F16, b2)).fma(FloatVector.fromArray(F16, x, c + 32), acc0);
            acc1 = FloatVector.fromArray(F16, vals, p3).expand(VectorMask.fromLong(F16, b3)).fma(FloatVector.fromArray(F16, x, c + 48), acc1);
            p = p3 + Long.bitCount(b3);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 16) + tail(mo, p, words << 6, x, xOff);
    }

    /** INT8 row as {@link #rowF32Wide}: 16 bytes widened to 16 floats, then expanded (scale applied by the caller). */
    float rowI8Wide(int r, float[] x, int xOff) {
        byte[] vals = values.i8;
        long[] mk = mask;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[16]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(F16);
        FloatVector acc1 = FloatVector.zero(F16);
        int words = cols >>> 6;
        for (int wi = 0; wi < words; wi++) {
            long word = mk[mo + wi];
            int c = xOff + (wi << 6);
            long b0 = word & 0xFFFF;
            long b1 = word >>> 16 & 0xFFFF;
            long b2 = word >>> 32 & 0xFFFF;
            long b3 = word >>> 48;
            int p1 = p + Long.bitCount(b0);
            int p2 = p1 + Long.bitCount(b1);
            int p3 = p2 + Long.bitCount(b2);
            acc0 = Vec16.i8(vals, p).expand(VectorMask.fromLong(F16, b0)).fma(FloatVector.fromArray(F16, x, c), acc0);
            acc1 = Vec16.i8(vals, p1).expand(VectorMask.fromLong(F16, b1)).fma(FloatVector.fromArray(F16, x, c + 16), acc1);
            acc0 = Vec16.i8(vals, p2).expand(VectorMask.fromLong(F16, b2)).fma(FloatVector.fromArray(F16, x, c + 32), acc0);
            acc1 = Vec16.i8(vals, p3).expand(VectorMask.fromLong(F16, b3)).fma(FloatVector.fromArray(F16, x, c + 48), acc1);
            p = p3 + Long.bitCount(b3);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 16) + tail(mo, p, words << 6, x, xOff);
    }


    private float rowF32(int r, float[] x, int xOff) {
        PackedValues v = values;
        float[] vals = v.f32;
        long[] mk = mask;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int words = cols >>> 6;
        for (int wi = 0; wi < words; wi++) { // one mask word (64 columns) a step, its 8 bytes unrolled
            long word = mk[mo + wi];
            int c = xOff + (wi << 6);
            for (int k = 0; k < 64; k += 16) {
                int b0 = (int) (word >>> k) & 0xFF;
                int b1 = (int) (word >>> (k + 8)) & 0xFF;
                int p1 = p + Integer.bitCount(b0);
                acc0 = Vec8.expand(Vec8.f32(vals, p), Vec8.EXPAND, Vec8.KEEP, b0).fma(FloatVector.fromArray(Vec8.F, x, c + k), acc0);
                acc1 = Vec8.expand(Vec8.f32(vals, p1), Vec8.EXPAND, Vec8.KEEP, b1).fma(FloatVector.fromArray(Vec8.F, x, c + k + 8), acc1);
                p = p1 + Integer.bitCount(b1);
            }
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail(mo, p, words << 6, x, xOff);
    }

    private float rowBf16(int r, float[] x, int xOff) {
        PackedValues v = values;
        short[] vals = v.half;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        long[] mk = mask;
        int blocks = cols >>> 4;
        for (int j = 0; j < blocks; j++) { // one induction variable: with c += 16, C2 kept c on the stack
            int bits = (int) (mk[mo + (j >>> 2)] >>> ((j & 3) << 4)) & 0xFFFF;
            int b0 = bits & 0xFF;
            int b1 = bits >>> 8;
            int p1 = p + Integer.bitCount(b0);
            FloatVector w0 = Vec8.expand(Vec8.bf16(vals, p), Vec8.EXPAND, Vec8.KEEP, b0);
            FloatVector w1 = Vec8.expand(Vec8.bf16(vals, p1), Vec8.EXPAND, Vec8.KEEP, b1);
            p = p1 + Integer.bitCount(b1);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + 16 * j), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + 16 * j + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail(mo, p, blocks << 4, x, xOff);
    }

    private float rowF16(int r, float[] x, int xOff) {
        PackedValues v = values;
        short[] vals = v.half;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        long[] mk = mask;
        int blocks = cols >>> 4;
        for (int j = 0; j < blocks; j++) { // one induction variable: with c += 16, C2 kept c on the stack
            int bits = (int) (mk[mo + (j >>> 2)] >>> ((j & 3) << 4)) & 0xFFFF;
            int b0 = bits & 0xFF;
            int b1 = bits >>> 8;
            int p1 = p + Integer.bitCount(b0);
            FloatVector w0 = Vec8.expand(Vec8.f16(vals, p), Vec8.EXPAND, Vec8.KEEP, b0);
            FloatVector w1 = Vec8.expand(Vec8.f16(vals, p1), Vec8.EXPAND, Vec8.KEEP, b1);
            p = p1 + Integer.bitCount(b1);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + 16 * j), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + 16 * j + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail(mo, p, blocks << 4, x, xOff);
    }

    private float rowI8(int r, float[] x, int xOff) {
        PackedValues v = values;
        byte[] vals = v.i8;
        long[] mk = mask;
        int mo = r * wordsPerRow;
        int p = rowStart[r];
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int words = cols >>> 6;
        for (int wi = 0; wi < words; wi++) { // one mask word (64 columns) a step, its 8 bytes unrolled
            long word = mk[mo + wi];
            int c = xOff + (wi << 6);
            for (int k = 0; k < 64; k += 16) {
                int b0 = (int) (word >>> k) & 0xFF;
                int b1 = (int) (word >>> (k + 8)) & 0xFF;
                int p1 = p + Integer.bitCount(b0);
                acc0 = Vec8.expand(Vec8.i8(vals, p), Vec8.EXPAND, Vec8.KEEP, b0).fma(FloatVector.fromArray(Vec8.F, x, c + k), acc0);
                acc1 = Vec8.expand(Vec8.i8(vals, p1), Vec8.EXPAND, Vec8.KEEP, b1).fma(FloatVector.fromArray(Vec8.F, x, c + k + 8), acc1);
                p = p1 + Integer.bitCount(b1);
            }
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail(mo, p, words << 6, x, xOff);
    }

    /** The columns from c on (fewer than 16), in scalar. */
    private float tail(int mo, int p, int c, float[] x, int xOff) {
        float s = 0f;
        for (; c < cols; c++) {
            if ((mask[mo + (c >>> 6)] >>> (c & 63) & 1L) != 0) {
                s += values.raw(p++) * x[xOff + c];
            }
        }
        return s;
    }
}
