package dev.prune4j.sparse;

/**
 * The measured pruning pattern of a dense matrix: the fraction of zeros, whether every group of 4
 * (8) consecutive weights of a row has at most 2 (4) non-zeros, and the fraction of 1×8 blocks
 * that are entirely zero.
 */
public record PatternStats(double sparsity, boolean fitsTwoFour, boolean fitsFourEight, double emptyBlockFraction) {

    /** Measures {@code w: [rows, cols]}. */
    public static PatternStats of(float[] w, int rows, int cols) {
        long zeros = 0;
        boolean twoFour = cols % 4 == 0;
        boolean fourEight = cols % 8 == 0;
        long blocks = 0;
        long emptyBlocks = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c0 = 0; c0 < cols; c0 += 8) {
                int nz = 0;
                int nz4a = 0;
                int end = Math.min(cols, c0 + 8);
                for (int c = c0; c < end; c++) {
                    if (w[o + c] != 0f) {
                        nz++;
                        if (c < c0 + 4) {
                            nz4a++;
                        }
                    }
                }
                zeros += (end - c0) - nz;
                blocks++;
                emptyBlocks += nz == 0 ? 1 : 0;
                twoFour &= nz4a <= 2 && nz - nz4a <= 2;
                fourEight &= nz <= 4;
            }
        }
        return new PatternStats((double) zeros / ((double) rows * cols), twoFour, fourEight, (double) emptyBlocks / blocks);
    }
}
