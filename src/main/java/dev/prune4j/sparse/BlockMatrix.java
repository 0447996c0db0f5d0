package dev.prune4j.sparse;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * 1×8 block sparsity: a row is cut into blocks of 8 consecutive weights; every block holding a
 * kept entry is stored as 8 dense values (zeros included) plus its block index (16-bit). Pays off
 * for block-structured pruning (whole blocks removed); one vector load and one FMA per block.
 */
final class BlockMatrix extends AbstractSparseMatrix {
    static final int BW = 8;
    /** blockPtr: [rows + 1], blocks of row r are [blockPtr[r], blockPtr[r+1]) */
    final int[] blockPtr;
    /** Block index (column / 8) of each stored block. */
    final char[] blockCol;
    /** values: 8 per stored block; value offsets of row r start at 8·blockPtr[r] */
    final PackedValues values;
    private final long nnz;

    private BlockMatrix(int rows, int cols, int[] blockPtr, char[] blockCol, PackedValues values, long nnz) {
        super(rows, cols);
        this.blockPtr = blockPtr;
        this.blockCol = blockCol;
        this.values = values;
        this.nnz = nnz;
    }

    static BlockMatrix of(float[] w, boolean[] keep, int rows, int cols, ValueType type) {
        int nb = (cols + BW - 1) / BW;
        if (nb > 65536) {
            throw new IllegalArgumentException("block format supports at most " + 65536 * BW + " columns, found " + cols);
        }
        int[] blockPtr = new int[rows + 1];
        char[] bc = new char[rows * nb];
        float[] vals = new float[rows * nb * BW];
        int blocks = 0;
        long kept = 0;
        for (int r = 0; r < rows; r++) {
            blockPtr[r] = blocks;
            for (int b = 0; b < nb; b++) {
                int k = 0;
                for (int j = b * BW; j < Math.min(cols, b * BW + BW); j++) {
                    if (SparseMatrices.kept(w, keep, r * cols + j)) {
                        k++;
                    }
                }
                if (k == 0) {
                    continue;
                }
                kept += k;
                for (int j = b * BW; j < Math.min(cols, b * BW + BW); j++) {
                    int i = r * cols + j;
                    vals[blocks * BW + j - b * BW] = SparseMatrices.kept(w, keep, i) ? w[i] : 0f;
                }
                bc[blocks++] = (char) b;
            }
        }
        blockPtr[rows] = blocks;
        int[] valueStart = new int[rows + 1];
        for (int r = 0; r <= rows; r++) {
            valueStart[r] = blockPtr[r] * BW;
        }
        return new BlockMatrix(rows, cols, blockPtr, java.util.Arrays.copyOf(bc, blocks),
                PackedValues.pack(type, vals, blocks * BW, valueStart, rows), kept);
    }

    @Override
    AbstractSparseMatrix copy() {
        return new BlockMatrix(rows, cols, blockPtr.clone(), blockCol.clone(), values.copy(), nnz);
    }

    @Override
    public long nnz() {
        return nnz;
    }

    @Override
    public long bytes() {
        return 4L * blockPtr.length + 2L * blockCol.length + values.bytes();
    }

    @Override
    public SparseFormat format() {
        return SparseFormat.BLOCK;
    }

    @Override
    public ValueType valueType() {
        return values.type;
    }

    @Override
    public String formatName() {
        return "block1x8";
    }

    @Override
    public int row(int r, int[] colsOut, float[] valsOut) {
        float s = values.scale(r);
        int n = 0;
        for (int b = blockPtr[r]; b < blockPtr[r + 1]; b++) {
            int c0 = blockCol[b] * BW;
            for (int j = 0; j < BW && c0 + j < cols; j++) {
                colsOut[n] = c0 + j;
                valsOut[n++] = values.raw(b * BW + j) * s;
            }
        }
        return n;
    }

    @Override
    void matvecFast(float[] x, int xOff, float[] y, int yOff) {
        Parallel.forRange(rows, 8, streamNanos(bytes()), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                y[yOff + r] = rowDot(r, x, xOff) * values.scale(r);
            }
        });
    }

    /** One loop per value type (see {@link BitmaskMatrix}: a type switch in the loop makes C2 box vectors). */
    private float rowDot(int r, float[] x, int xOff) {
        int b = blockPtr[r];
        int end = blockPtr[r + 1];
        if (end > b && blockCol[end - 1] >= cols / BW) {
            end--; // the partial last block is done in scalar
        }
        float s = switch (values.type) {
            case F32 -> blocksF32(b, end, x, xOff);
            case BF16 -> blocksBf16(b, end, x, xOff);
            case F16 -> blocksF16(b, end, x, xOff);
            case INT8 -> blocksI8(b, end, x, xOff);
        };
        for (b = end; b < blockPtr[r + 1]; b++) {
            int c0 = blockCol[b] * BW;
            for (int j = 0; j < BW && c0 + j < cols; j++) {
                s += values.raw(b * BW + j) * x[xOff + c0 + j];
            }
        }
        return s;
    }

    private float blocksF32(int b, int end, float[] x, int xOff) {
        PackedValues v = values;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        for (; b + 1 < end; b += 2) {
            acc0 = Vec8.f32(v.f32, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
            acc1 = Vec8.f32(v.f32, b * BW + BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b + 1] * BW), acc1);
        }
        if (b < end) {
            acc0 = Vec8.f32(v.f32, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }

    private float blocksBf16(int b, int end, float[] x, int xOff) {
        PackedValues v = values;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        for (; b + 1 < end; b += 2) {
            acc0 = Vec8.bf16(v.half, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
            acc1 = Vec8.bf16(v.half, b * BW + BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b + 1] * BW), acc1);
        }
        if (b < end) {
            acc0 = Vec8.bf16(v.half, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }

    private float blocksF16(int b, int end, float[] x, int xOff) {
        PackedValues v = values;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        for (; b + 1 < end; b += 2) {
            acc0 = Vec8.f16(v.half, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
            acc1 = Vec8.f16(v.half, b * BW + BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b + 1] * BW), acc1);
        }
        if (b < end) {
            acc0 = Vec8.f16(v.half, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }

    private float blocksI8(int b, int end, float[] x, int xOff) {
        PackedValues v = values;
        float[] lt = new float[8]; // lanes for Lanes.sumStored: no vector crosses a call
        FloatVector acc0 = FloatVector.zero(Vec8.F);
        FloatVector acc1 = FloatVector.zero(Vec8.F);
        for (; b + 1 < end; b += 2) {
            acc0 = Vec8.i8(v.i8, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
            acc1 = Vec8.i8(v.i8, b * BW + BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b + 1] * BW), acc1);
        }
        if (b < end) {
            acc0 = Vec8.i8(v.i8, b * BW).fma(FloatVector.fromArray(Vec8.F, x, xOff + blockCol[b] * BW), acc0);
        }
        acc0.add(acc1).intoArray(lt, 0);
        return Lanes.sumStored(lt, 8);
    }
}
