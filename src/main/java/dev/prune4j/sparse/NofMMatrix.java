package dev.prune4j.sparse;

import dev.prune4j.core.BadInputException;
import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * N:M semi-structured sparsity (at most n non-zeros in every m consecutive weights of a row, as
 * in NVIDIA's 2:4; Mishra et al. 2021, "Accelerating Sparse Deep Neural Networks"): exactly n
 * values per group (a group with fewer kept entries is padded with zeros at unused positions) and
 * for each value its position in the group as a ceil(log2 m)-bit index, packed LSB-first in a
 * row-aligned bit stream. For 2:4 one index byte covers two groups (8 weights) and the fast matvec
 * expands 8 packed values into 16 dense lanes with two table shuffles.
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
        return new NofMMatrix(rows, cols, n, m, idx, PackedValues.pack(type, vals, rows * perRow, rowStart, rows), kept);
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
        int base = r * groups * n;
        for (int vi = 0; vi < groups * n; vi++) {
            colsOut[vi] = (vi / n) * m + position(r, vi);
            valsOut[vi] = values.raw(base + vi) * s;
        }
        return groups * n;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        boolean twoFour = n == 2 && m == 4;
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                float s = twoFour ? rowDot24(r, x, xOff) : rowDotGeneral(r, x, xOff);
                y[yOff + r] = s * values.scale(r);
            }
        });
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
        int p = r * groups * 2;
        int ib = r * idxStride;
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += 8, ib += 2) {
            FloatVector packed = Vec8.f32(v.f32, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail24(r, c, x, xOff);
    }

    private float row24Bf16(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = r * groups * 2;
        int ib = r * idxStride;
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += 8, ib += 2) {
            FloatVector packed = Vec8.bf16(v.half, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail24(r, c, x, xOff);
    }

    private float row24F16(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = r * groups * 2;
        int ib = r * idxStride;
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += 8, ib += 2) {
            FloatVector packed = Vec8.f16(v.half, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail24(r, c, x, xOff);
    }

    private float row24I8(int r, float[] x, int xOff) {
        PackedValues v = values;
        int p = r * groups * 2;
        int ib = r * idxStride;
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        int full = cols & ~15;
        int c = 0;
        for (; c < full; c += 16, p += 8, ib += 2) {
            FloatVector packed = Vec8.i8(v.i8, p);
            FloatVector w0 = Vec8.expand(packed, Vec8.TWO_FOUR_LO, Vec8.TWO_FOUR_KEEP, idx[ib] & 0xFF);
            FloatVector w1 = Vec8.expand(packed, Vec8.TWO_FOUR_HI, Vec8.TWO_FOUR_KEEP, idx[ib + 1] & 0xFF);
            acc0 = w0.fma(FloatVector.fromArray(Vec8.F, x, xOff + c), acc0);
            acc1 = w1.fma(FloatVector.fromArray(Vec8.F, x, xOff + c + 8), acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) + tail24(r, c, x, xOff);
    }

    /** 2:4 columns from c on (fewer than 16), in scalar. */
    private float tail24(int r, int c, float[] x, int xOff) {
        int base = r * groups * 2;
        float s = 0f;
        for (int vi = c / 2; vi < groups * 2; vi++) {
            s += values.raw(base + vi) * x[xOff + (vi / 2) * 4 + position(r, vi)];
        }
        return s;
    }

    private float rowDotGeneral(int r, float[] x, int xOff) {
        int base = r * groups * n;
        float s = 0f;
        for (int vi = 0; vi < groups * n; vi++) {
            s += values.raw(base + vi) * x[xOff + (vi / n) * m + position(r, vi)];
        }
        return s;
    }
}
