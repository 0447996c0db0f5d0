package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.core.BadInputException;
import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * N:M semi-structured sparsity (at most n non-zeros in every m consecutive weights of a row, as
 * in NVIDIA's 2:4; Mishra et al. 2021, "Accelerating Sparse Deep Neural Networks"): exactly n
 * values per group (a group with fewer kept entries is padded with zeros at unused positions) and
 * for each value its position in the group as a ceil(log2 m)-bit index, packed LSB-first in a
 * row-aligned bit stream. For 2:4 one index byte covers two groups (8 weights), and the rows are
 * stored in blocks of four, interleaved per 16 columns ({@link #valueAt}, {@link #idxByteAt}): the
 * 4-row kernel then reads one value stream and one index stream at constant offsets instead of
 * four of each (same bytes; rows after the last full block stay row by row).
 */
final class NofMMatrix extends AbstractSparseMatrix {
    final int n;
    final int m;
    final int bits;
    final int groups;
    /** Bytes of index per row. */
    final int idxStride;
    /** idx: [rows, idxStride], the positions of the values in their groups */
    final byte[] idx;
    final PackedValues values;
    private final long nnz;
    /** 2:4 only: rows [0, blockedRows) are stored in interleaved blocks of four; 0 otherwise. */
    final int blockedRows;
    /** Values per row (groups · n). */
    final int perRow;
    /** Full 16-column steps per row (2:4 layout unit: 8 values, 2 index bytes). */
    final int steps;

    private NofMMatrix(int rows, int cols, int n, int m, byte[] idx, PackedValues values, long nnz) {
        super(rows, cols);
        this.n = n;
        this.m = m;
        this.bits = bitsFor(m);
        this.groups = cols / m;
        this.idxStride = stride(groups, n, bits);
        this.idx = idx;
        this.values = values;
        this.nnz = nnz;
        this.blockedRows = blocked(n, m) ? rows & ~3 : 0;
        this.perRow = groups * n;
        this.steps = cols >>> 4;
    }

    private static boolean blocked(int n, int m) {
        return n == 2 && m == 4;
    }

    /**
     * Where value vi of row r is stored. 2:4 rows below {@link #blockedRows}: per block of four
     * rows, per 16-column step j, the 8 values of rows 0…3 one after the other
     * ([step][row][8]), then the values of the columns after the last full step row by row.
     */
    int valueAt(int r, int vi) {
        return blockedAt(r, vi, perRow, 8);
    }

    /** Where index byte q of row r is stored: as {@link #valueAt}, with 2 bytes per row and step. */
    int idxByteAt(int r, int q) {
        return blockedAt(r, q, idxStride, 2);
    }

    /**
     * Element i of row r in the 2:4 row-blocked layout, for an array whose rows hold
     * {@code stride} elements of which {@code per} belong to each 16-column step.
     */
    private int blockedAt(int r, int i, int stride, int per) {
        if (r >= blockedRows) {
            return r * stride + i;
        }
        int base = (r & ~3) * stride;
        int rr = r & 3;
        int full = steps * per;
        return i < full
                ? base + (i / per) * 4 * per + rr * per + i % per
                : base + steps * 4 * per + rr * (stride - full) + (i - full);
    }

    static int bitsFor(int m) {
        return 32 - Integer.numberOfLeadingZeros(m - 1);
    }

    private static int stride(int groups, int n, int bits) {
        return (int) (((long) groups * n * bits + 7) / 8);
    }

    static NofMMatrix of(float[] w, boolean[] keep, int rows, int cols, int n, int m, ValueType type) {
        if (cols % m != 0) {
            throw new BadInputException("N:M " + n + ":" + m + " needs the column count to be a multiple of " + m
                    + ", found " + cols + " columns");
        }
        int groups = cols / m;
        int bits = bitsFor(m);
        int stride = stride(groups, n, bits);
        int perRow = groups * n;
        byte[] idx = new byte[rows * stride];
        float[] vals = new float[rows * perRow];
        int[] rowStart = new int[rows + 1];
        long kept = 0;
        int[] pos = new int[n];
        for (int r = 0; r < rows; r++) {
            rowStart[r] = r * perRow;
            for (int g = 0; g < groups; g++) {
                int k = 0;
                for (int j = 0; j < m; j++) {
                    if (SparseMatrices.kept(w, keep, r * cols + g * m + j)) {
                        if (k == n) {
                            throw new BadInputException("N:M " + n + ":" + m + ": row " + r + ", columns " + g * m + "…"
                                    + (g * m + m - 1) + " keep more than " + n + " entries; prune to the pattern first");
                        }
                        pos[k++] = j;
                    }
                }
                kept += k;
                int padded = k;
                for (int j = 0; padded < n; j++) { // pad with zeros at unused positions, keeping positions sorted
                    boolean used = false;
                    for (int q = 0; q < k; q++) {
                        used |= pos[q] == j;
                    }
                    if (!used) {
                        pos[padded++] = j;
                    }
                }
                java.util.Arrays.sort(pos, 0, n);
                for (int q = 0; q < n; q++) {
                    int c = g * m + pos[q];
                    int vi = g * n + q;
                    vals[r * perRow + vi] = SparseMatrices.kept(w, keep, r * cols + c) ? w[r * cols + c] : 0f;
                    writeBits(idx, r * stride, vi * bits, bits, pos[q]);
                }
            }
        }
        rowStart[rows] = rows * perRow;
        PackedValues packed = PackedValues.pack(type, vals, rows * perRow, rowStart, rows);
        if (!blocked(n, m)) {
            return new NofMMatrix(rows, cols, n, m, idx, packed, kept);
        }
        NofMMatrix rowMajor = new NofMMatrix(rows, cols, n, m, idx, packed, kept); // only for its layout functions
        byte[] blockedIdx = new byte[idx.length];
        for (int r = 0; r < rows; r++) {
            for (int q = 0; q < stride; q++) {
                blockedIdx[rowMajor.idxByteAt(r, q)] = idx[r * stride + q];
            }
        }
        return new NofMMatrix(rows, cols, n, m, blockedIdx, packed.reordered(rows, perRow, rowMajor::valueAt), kept);
    }

    private static void writeBits(byte[] a, int base, int bitPos, int width, int value) {
        for (int b = 0; b < width; b++) {
            if ((value >>> b & 1) != 0) {
                int at = bitPos + b;
                a[base + (at >>> 3)] |= (byte) (1 << (at & 7));
            }
        }
    }

    /** Position in its group of value vi of row r. */
    private int position(int r, int vi) {
        if (blocked(n, m)) { // 2-bit positions never straddle a byte
            return (idx[idxByteAt(r, vi >>> 2)] >>> ((vi & 3) << 1)) & 3;
        }
        int bitPos = vi * bits;
        int base = r * idxStride + (bitPos >>> 3);
        int word = idx[base] & 0xFF;
        if (base + 1 < idx.length) {
            word |= (idx[base + 1] & 0xFF) << 8;
        }
        return (word >>> (bitPos & 7)) & ((1 << bits) - 1);
    }

    @Override
    AbstractSparseMatrix copy() {
        return new NofMMatrix(rows, cols, n, m, idx.clone(), values.copy(), nnz);
    }

    @Override
    public long nnz() {
        return nnz;
    }

    @Override
    public long bytes() {
        return idx.length + values.bytes();
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.N_OF_M;
    }

    @Override
    public ValueType valueType() {
        return values.type;
    }

    @Override
    public String formatName() {
        return n + ":" + m;
    }

    @Override
    public int row(int r, int[] colsOut, float[] valsOut) {
        float s = values.scale(r);
        int vi = 0;
        if (blocked(n, m)) { // 2:4 fast path, 16 columns a step (SpMM expands every row through here)
            int p = valueAt(r, 0);
            int ib = idxByteAt(r, 0);
            int ps = r < blockedRows ? 32 : 8;
            int is = r < blockedRows ? 8 : 2;
            for (int j = 0; j < steps; j++, p += ps, ib += is) {
                int pos = (idx[ib] & 0xFF) | (idx[ib + 1] & 0xFF) << 8; // 8 positions of 2 bits
                for (int k = 0; k < 8; k++, vi++) {
                    colsOut[vi] = 16 * j + (k >>> 1) * 4 + (pos >>> (2 * k) & 3);
                    valsOut[vi] = values.raw(p + k) * s;
                }
            }
        }
        for (; vi < perRow; vi++) {
            colsOut[vi] = (vi / n) * m + position(r, vi);
            valsOut[vi] = values.raw(valueAt(r, vi)) * s;
        }
        return groups * n;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        boolean twoFour = n == 2 && m == 4;
        if (twoFour && (values.type == ValueType.F32 || values.type == ValueType.INT8
                || values.type == ValueType.BF16 && Vec16.WIDE)) {
            matvec24Select(x, xOff, y, yOff);
            return;
        }
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float s = twoFour ? rowDot24(r, x, xOff) : rowDotGeneral(r, x, xOff);
                y[yOff + r] = s * values.scale(r);
            }
        });
    }

    /**
     * 2:4 in the compressed domain: instead of expanding the weights to 16 dense lanes (two
     * permutes, two ANDs and two FMAs per 8 values), select the 8 inputs that the 8 stored values
     * of 16 columns multiply and do one FMA. x is first laid out per 16 columns as
     * [c0–3, c8–11 | c4–7, c12–15] (int bits, {@link #selectLayout}), so that both halves of that
     * block are 8-lane vectors xl = [g0 | g2], xh = [g1 | g3] (g = group of 4 columns) and one
     * 8-lane control [i0, i1, i2, i3, 4+i4, 4+i5, 4+i6, 4+i7] (i = the positions of the 8 values
     * in their groups, from two index bytes and two 256-entry tables) picks values 0, 1, 4, 5 from
     * xl and 2, 3, 6, 7 from xh; a constant blend merges them. Per 16 columns and row: one value
     * load, two table loads and an OR, two permutes, one blend, one FMA; four rows share the x
     * loads (measured: 1.39× dense at 1 thread cold, vs 0.97× for the expansion loop one row at a
     * time). The four rows are stored interleaved ({@link #valueAt}), so the loop reads one value
     * and one index stream at constant offsets: in L2 on a Zen 3, 0.71–0.79 ns per 8 weight
     * positions against 0.82–0.92 with four separate row streams (C2 had spilled the row offsets).
     */
    private void matvec24Select(float[] x, int xOff, float[] y, int yOff) {
        int full = cols & ~15;
        if (Vec16.WIDE) {
            matvec24Wide(x, xOff, y, yOff, full);
            return;
        }
        int[] xs = selectLayout(x, xOff, full);
        boolean int8 = values.type == ValueType.INT8;
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            int r = r0;
            int blockEnd = Math.min(r1, blockedRows); // r0 is a multiple of 8, so blocks are whole
            if (int8) {
                for (; r + 3 < blockEnd; r += 4) {
                    rows4Select24I8(r, xs, full, x, xOff, y, yOff);
                }
            } else {
                for (; r + 3 < blockEnd; r += 4) {
                    rows4Select24F32(r, xs, full, x, xOff, y, yOff);
                }
            }
            for (; r < r1; r++) {
                float s = (int8 ? row1Select24I8(r, xs, full) : row1Select24F32(r, xs, full)) + tail24(r, full, x, xOff);
                y[yOff + r] = s * values.scale(r);
            }
        });
    }

    /**
     * 2:4 on 16-lane machines ({@link Vec16}). F32 and BF16 select in the compressed domain: per
     * 16 columns, two rows' 16 stored values (stored one after the other in the interleaved block)
     * are multiplied by the 16 inputs that one permute picks from the step's 16 inputs, under
     * indices built from the two rows' 32 index bits ({@link Vec16#select24}); two blocks of four
     * rows run at once and share each input load ({@link #rows8Wide24F32},
     * {@link #rows8Wide24Bf16}). INT8
     * expands each row's 8 values to their columns under the mask of its two index bytes
     * ({@code expand}) and multiplies the 16 inputs as they are. The rows stored row by row (after
     * the last block of four) take the 8-lane path.
     */
    private void matvec24Wide(float[] x, int xOff, float[] y, int yOff, int full) {
        boolean int8 = values.type == ValueType.INT8;
        boolean bf16 = values.type == ValueType.BF16;
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            int r = r0;
            int blockEnd = Math.min(r1, blockedRows); // r0 is a multiple of 8, so blocks are whole
            if (int8) {
                for (; r + 3 < blockEnd; r += 4) {
                    rows4Wide24I8(r, full, x, xOff, y, yOff);
                }
            } else if (bf16) { // a last block of four, if any, takes the 8-lane path below
                for (; r + 7 < blockEnd; r += 8) {
                    rows8Wide24Bf16(r, full, x, xOff, y, yOff);
                }
            } else {
                for (; r + 7 < blockEnd; r += 8) {
                    rows8Wide24F32(r, full, x, xOff, y, yOff);
                }
                for (; r + 3 < blockEnd; r += 4) {
                    rows4Wide24F32(r, full, x, xOff, y, yOff);
                }
            }
            for (; r < r1; r++) {
                y[yOff + r] = rowDot24(r, x, xOff) * values.scale(r);
            }
        });
    }

    /** Rows r … r + 3 (an interleaved block) on 16 lanes, F32 values: rows r, r + 1 in one accumulator, r + 2, r + 3 in the other. */
    void rows4Wide24F32(int r, int full, float[] x, int xOff, float[] y, int yOff) {
        float[] v = values.f32;
        byte[] ix = idx;
        int vb = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[16]; // lanes for Lanes.sumStored8: no vector crosses a call
        FloatVector a01 = FloatVector.zero(Vec16.F);
        FloatVector a23 = a01;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            IntVector xi = FloatVector.fromArray(Vec16.F, x, xOff + 16 * j).reinterpretAsInts();
            int p = vb + 32 * j;
            int q = ib + 8 * j;
            a01 = FloatVector.fromArray(Vec16.F, v, p).fma(Vec16.select24(ix, q).selectFrom(xi).reinterpretAsFloats(), a01);
            a23 = FloatVector.fromArray(Vec16.F, v, p + 16).fma(Vec16.select24(ix, q + 4).selectFrom(xi).reinterpretAsFloats(), a23);
        }
        a01.intoArray(lt, 0);
        y[yOff + r] = Lanes.sumStored8(lt, 0) + tail24(r, full, x, xOff);
        y[yOff + r + 1] = Lanes.sumStored8(lt, 8) + tail24(r + 1, full, x, xOff);
        a23.intoArray(lt, 0);
        y[yOff + r + 2] = Lanes.sumStored8(lt, 0) + tail24(r + 2, full, x, xOff);
        y[yOff + r + 3] = Lanes.sumStored8(lt, 8) + tail24(r + 3, full, x, xOff);
    }

    /**
     * Rows r … r + 7 (two interleaved blocks, F32) on 16 lanes: {@link #rows4Wide24F32} on both
     * blocks in one loop, so two value streams are read side by side. On a Sapphire Rapids-class
     * Xeon (2 vCPUs, 4096² weights, each variant in its own JVM against dense in the same rounds):
     * selecting inputs took 1.0–1.1 ms with the weights in cache and 1.8–2.4 ms from memory
     * (dense 2.7–3.0), against 1.4–1.8 and 2.2–2.7 ms for expanding the values to their columns
     * ({@code expand} under a mask from two table lookups per row and step) — the kernel before
     * this one, which in turn had gained from reading two blocks instead of one (2.3–2.4 ms → 1.7–1.8
     * with dense at 2.2–2.3, the machine less loaded): with one stream per thread the memory time
     * added to the compute time instead of overlapping it.
     */
    void rows8Wide24F32(int r, int full, float[] x, int xOff, float[] y, int yOff) {
        rows8Wide24(r, false, full, x, xOff, y, yOff);
    }

    /** As {@link #rows8Wide24F32} with BF16 values (16 widened to float32 lanes per load). */
    void rows8Wide24Bf16(int r, int full, float[] x, int xOff, float[] y, int yOff) {
        rows8Wide24(r, true, full, x, xOff, y, yOff);
    }

    private void rows8Wide24(int r, boolean bf16, int full, float[] x, int xOff, float[] y, int yOff) {
        float[] v = values.f32;
        short[] h = values.half;
        byte[] ix = idx;
        int va = r * perRow;
        int vb = va + 4 * perRow;
        int ia = r * idxStride;
        int ib = ia + 4 * idxStride;
        float[] lt = new float[16]; // lanes for Lanes.sumStored8: no vector crosses a call
        FloatVector a01 = FloatVector.zero(Vec16.F);
        FloatVector a23 = a01;
        FloatVector a45 = a01;
        FloatVector a67 = a01;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            IntVector xi = FloatVector.fromArray(Vec16.F, x, xOff + 16 * j).reinterpretAsInts();
            int p = va + 32 * j;
            int q = ia + 8 * j;
            int pb = vb + 32 * j;
            int qb = ib + 8 * j;
            a01 = Vec16.values(bf16, v, h, p).fma(Vec16.select24(ix, q).selectFrom(xi).reinterpretAsFloats(), a01);
            a23 = Vec16.values(bf16, v, h, p + 16).fma(Vec16.select24(ix, q + 4).selectFrom(xi).reinterpretAsFloats(), a23);
            a45 = Vec16.values(bf16, v, h, pb).fma(Vec16.select24(ix, qb).selectFrom(xi).reinterpretAsFloats(), a45);
            a67 = Vec16.values(bf16, v, h, pb + 16).fma(Vec16.select24(ix, qb + 4).selectFrom(xi).reinterpretAsFloats(), a67);
        }
        a01.intoArray(lt, 0);
        y[yOff + r] = Lanes.sumStored8(lt, 0) + tail24(r, full, x, xOff);
        y[yOff + r + 1] = Lanes.sumStored8(lt, 8) + tail24(r + 1, full, x, xOff);
        a23.intoArray(lt, 0);
        y[yOff + r + 2] = Lanes.sumStored8(lt, 0) + tail24(r + 2, full, x, xOff);
        y[yOff + r + 3] = Lanes.sumStored8(lt, 8) + tail24(r + 3, full, x, xOff);
        a45.intoArray(lt, 0);
        y[yOff + r + 4] = Lanes.sumStored8(lt, 0) + tail24(r + 4, full, x, xOff);
        y[yOff + r + 5] = Lanes.sumStored8(lt, 8) + tail24(r + 5, full, x, xOff);
        a67.intoArray(lt, 0);
        y[yOff + r + 6] = Lanes.sumStored8(lt, 0) + tail24(r + 6, full, x, xOff);
        y[yOff + r + 7] = Lanes.sumStored8(lt, 8) + tail24(r + 7, full, x, xOff);
    }

    /** As {@link #rows4Wide24F32} with INT8 values (the row scale applied at the end). */
    void rows4Wide24I8(int r, int full, float[] x, int xOff, float[] y, int yOff) {
        byte[] v = values.i8;
        byte[] ix = idx;
        int vb = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[16]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(Vec16.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            FloatVector xv = FloatVector.fromArray(Vec16.F, x, xOff + 16 * j);
            int p = vb + 32 * j;
            int q = ib + 8 * j;
            a0 = Vec16.i8(v, p).expand(VectorMask.fromLong(Vec16.F, Vec16.mask24(ix[q], ix[q + 1]))).fma(xv, a0);
            a1 = Vec16.i8(v, p + 8).expand(VectorMask.fromLong(Vec16.F, Vec16.mask24(ix[q + 2], ix[q + 3]))).fma(xv, a1);
            a2 = Vec16.i8(v, p + 16).expand(VectorMask.fromLong(Vec16.F, Vec16.mask24(ix[q + 4], ix[q + 5]))).fma(xv, a2);
            a3 = Vec16.i8(v, p + 24).expand(VectorMask.fromLong(Vec16.F, Vec16.mask24(ix[q + 6], ix[q + 7]))).fma(xv, a3);
        }
        a0.intoArray(lt, 0);
        y[yOff + r] = (Lanes.sumStored(lt, 16) + tail24(r, full, x, xOff)) * values.scale(r);
        a1.intoArray(lt, 0);
        y[yOff + r + 1] = (Lanes.sumStored(lt, 16) + tail24(r + 1, full, x, xOff)) * values.scale(r + 1);
        a2.intoArray(lt, 0);
        y[yOff + r + 2] = (Lanes.sumStored(lt, 16) + tail24(r + 2, full, x, xOff)) * values.scale(r + 2);
        a3.intoArray(lt, 0);
        y[yOff + r + 3] = (Lanes.sumStored(lt, 16) + tail24(r + 3, full, x, xOff)) * values.scale(r + 3);
    }

    /** x[xOff …] as int bits, per 16 columns in the order [c0–3, c8–11, c4–7, c12–15] ([full]). */
    static int[] selectLayout(float[] x, int xOff, int full) {
        int[] xs = new int[full];
        for (int c = 0; c < full; c += 16) {
            for (int j = 0; j < 4; j++) {
                xs[c + j] = Float.floatToRawIntBits(x[xOff + c + j]);
                xs[c + 4 + j] = Float.floatToRawIntBits(x[xOff + c + 8 + j]);
                xs[c + 8 + j] = Float.floatToRawIntBits(x[xOff + c + 4 + j]);
                xs[c + 12 + j] = Float.floatToRawIntBits(x[xOff + c + 12 + j]);
            }
        }
        return xs;
    }

    /** The 8 inputs multiplied by the 8 stored values of one 16-column block (index bytes b0, b1). */
    private static FloatVector select24(IntVector xl, IntVector xh, int b0, int b1) {
        IntVector k = IntVector.fromArray(Vec8.I, Vec8.SELECT24_LO, b0 * 8).or(IntVector.fromArray(Vec8.I, Vec8.SELECT24_HI, b1 * 8));
        return k.selectFrom(xl).blend(k.selectFrom(xh), Vec8.SELECT24_BLEND).reinterpretAsFloats();
    }

    /** Rows r … r + 3 (an interleaved block, r a multiple of 4), columns [0, full). */
    private void rows4Select24F32(int r, int[] xs, int full, float[] x, int xOff, float[] y, int yOff) {
        float[] v = values.f32;
        byte[] ix = idx;
        int vb = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(Vec8.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) { // one induction variable, so C2 hoists the index range checks
            IntVector xl = IntVector.fromArray(Vec8.I, xs, 16 * j);
            IntVector xh = IntVector.fromArray(Vec8.I, xs, 16 * j + 8);
            int p = vb + 32 * j;
            int q = ib + 8 * j;
            a0 = FloatVector.fromArray(Vec8.F, v, p).fma(select24(xl, xh, ix[q] & 0xFF, ix[q + 1] & 0xFF), a0);
            a1 = FloatVector.fromArray(Vec8.F, v, p + 8).fma(select24(xl, xh, ix[q + 2] & 0xFF, ix[q + 3] & 0xFF), a1);
            a2 = FloatVector.fromArray(Vec8.F, v, p + 16).fma(select24(xl, xh, ix[q + 4] & 0xFF, ix[q + 5] & 0xFF), a2);
            a3 = FloatVector.fromArray(Vec8.F, v, p + 24).fma(select24(xl, xh, ix[q + 6] & 0xFF, ix[q + 7] & 0xFF), a3);
        }
        a0.intoArray(lt, 0);
        y[yOff + r] = Lanes.sumStored(lt, 8) + tail24(r, full, x, xOff);
        a1.intoArray(lt, 0);
        y[yOff + r + 1] = Lanes.sumStored(lt, 8) + tail24(r + 1, full, x, xOff);
        a2.intoArray(lt, 0);
        y[yOff + r + 2] = Lanes.sumStored(lt, 8) + tail24(r + 2, full, x, xOff);
        a3.intoArray(lt, 0);
        y[yOff + r + 3] = Lanes.sumStored(lt, 8) + tail24(r + 3, full, x, xOff);
    }

    /** One row stored row by row (r ≥ {@link #blockedRows}), columns [0, full). */
    private float row1Select24F32(int r, int[] xs, int full) {
        float[] v = values.f32;
        int p = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(Vec8.F);
        for (int c = 0; c < full; c += 16, p += 8, ib += 2) {
            a0 = FloatVector.fromArray(Vec8.F, v, p).fma(select24(IntVector.fromArray(Vec8.I, xs, c),
                    IntVector.fromArray(Vec8.I, xs, c + 8), idx[ib] & 0xFF, idx[ib + 1] & 0xFF), a0);
        }
        a0.intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }

    /** As {@link #rows4Select24F32} with INT8 values (the row scale applied at the end). */
    private void rows4Select24I8(int r, int[] xs, int full, float[] x, int xOff, float[] y, int yOff) {
        byte[] v = values.i8;
        byte[] ix = idx;
        int vb = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(Vec8.F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int blocks = full >>> 4;
        for (int j = 0; j < blocks; j++) {
            IntVector xl = IntVector.fromArray(Vec8.I, xs, 16 * j);
            IntVector xh = IntVector.fromArray(Vec8.I, xs, 16 * j + 8);
            int p = vb + 32 * j;
            int q = ib + 8 * j;
            a0 = Vec8.i8(v, p).fma(select24(xl, xh, ix[q] & 0xFF, ix[q + 1] & 0xFF), a0);
            a1 = Vec8.i8(v, p + 8).fma(select24(xl, xh, ix[q + 2] & 0xFF, ix[q + 3] & 0xFF), a1);
            a2 = Vec8.i8(v, p + 16).fma(select24(xl, xh, ix[q + 4] & 0xFF, ix[q + 5] & 0xFF), a2);
            a3 = Vec8.i8(v, p + 24).fma(select24(xl, xh, ix[q + 6] & 0xFF, ix[q + 7] & 0xFF), a3);
        }
        a0.intoArray(lt, 0);
        y[yOff + r] = (Lanes.sumStored(lt, 8) + tail24(r, full, x, xOff)) * values.scale(r);
        a1.intoArray(lt, 0);
        y[yOff + r + 1] = (Lanes.sumStored(lt, 8) + tail24(r + 1, full, x, xOff)) * values.scale(r + 1);
        a2.intoArray(lt, 0);
        y[yOff + r + 2] = (Lanes.sumStored(lt, 8) + tail24(r + 2, full, x, xOff)) * values.scale(r + 2);
        a3.intoArray(lt, 0);
        y[yOff + r + 3] = (Lanes.sumStored(lt, 8) + tail24(r + 3, full, x, xOff)) * values.scale(r + 3);
    }

    private float row1Select24I8(int r, int[] xs, int full) {
        byte[] v = values.i8;
        int p = r * perRow;
        int ib = r * idxStride;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector a0 = FloatVector.zero(Vec8.F);
        for (int c = 0; c < full; c += 16, p += 8, ib += 2) {
            a0 = Vec8.i8(v, p).fma(select24(IntVector.fromArray(Vec8.I, xs, c),
                    IntVector.fromArray(Vec8.I, xs, c + 8), idx[ib] & 0xFF, idx[ib + 1] & 0xFF), a0);
        }
        a0.intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }

    /**
     * 2:4: 8 packed values and 2 index bytes per 16 dense columns, expanded in registers; one loop
     * per value type (see {@link BitmaskMatrix}: a type switch in the loop makes C2 box vectors).
     */
    private float rowDot24(int r, float[] x, int xOff) {
        return switch (values.type) {
            case F32 -> row24F32(r, x, xOff);
            case BF16 -> row24Bf16(r, x, xOff);
            case F16 -> row24F16(r, x, xOff);
            case INT8 -> row24I8(r, x, xOff);
        };
    }

    private float row24F32(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = valueAt(r, 0);
        int ib = idxByteAt(r, 0);
        int ps = r < blockedRows ? 32 : 8;
        int is = r < blockedRows ? 8 : 2;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += ps, ib += is) {
            FloatVector packed = Vec8.f32(v.f32, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail24(r, c, x, xOff);
    }

    private float row24Bf16(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = valueAt(r, 0);
        int ib = idxByteAt(r, 0);
        int ps = r < blockedRows ? 32 : 8;
        int is = r < blockedRows ? 8 : 2;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += ps, ib += is) {
            FloatVector packed = Vec8.bf16(v.half, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail24(r, c, x, xOff);
    }

    private float row24F16(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = valueAt(r, 0);
        int ib = idxByteAt(r, 0);
        int ps = r < blockedRows ? 32 : 8;
        int is = r < blockedRows ? 8 : 2;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += ps, ib += is) {
            FloatVector packed = Vec8.f16(v.half, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail24(r, c, x, xOff);
    }

    private float row24I8(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = valueAt(r, 0);
        int ib = idxByteAt(r, 0);
        int ps = r < blockedRows ? 32 : 8;
        int is = r < blockedRows ? 8 : 2;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += ps, ib += is) {
            FloatVector packed = Vec8.i8(v.i8, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8) + tail24(r, c, x, xOff);
    }

    /** 2:4 columns from c on (fewer than 16), in scalar. */
    private float tail24(int r, int c, float[] x, int xOff) {
        float s = 0f;
        for (int vi = c / 2; vi < perRow; vi++) {
            s += values.raw(valueAt(r, vi)) * x[xOff + (vi / 2) * 4 + position(r, vi)];
        }
        return s;
    }

    private float rowDotGeneral(int r, float[] x, int xOff) {
        float s = 0f;
        for (int vi = 0; vi < perRow; vi++) {
            s += values.raw(valueAt(r, vi)) * x[xOff + (vi / n) * m + position(r, vi)];
        }
        return s;
    }
}
