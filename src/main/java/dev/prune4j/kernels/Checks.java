package dev.prune4j.kernels;

/** Argument checks shared by the kernel implementations; messages name both shapes. */
final class Checks {
    private Checks() {
    }

    static void gemm(String op, int m, int n, int k, int aLen, int aOff, int lda, int bLen, int bOff, int ldb,
                     boolean transB, int cLen, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size m=" + m + " n=" + n + " k=" + k);
        }
        if (lda < k || ldc < n || (transB ? ldb < k : ldb < n)) {
            throw new IllegalArgumentException(op + ": leading dimension too small: A [" + m + ", " + k + "] lda=" + lda
                    + ", B " + (transB ? "[" + n + ", " + k + "]" : "[" + k + ", " + n + "]") + " ldb=" + ldb
                    + ", C [" + m + ", " + n + "] ldc=" + ldc);
        }
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        // every message names the whole product, so both operand shapes are visible
        String product = op + " (A [" + m + ", " + k + "] · B [" + bRows + ", " + bCols + "]" + (transB ? "ᵀ" : "")
                + " → C [" + m + ", " + n + "])";
        need(product, "A [" + m + ", " + k + "]", aLen, aOff, m, k, lda);
        need(product, "B [" + bRows + ", " + bCols + "]", bLen, bOff, bRows, bCols, ldb);
        need(product, "C [" + m + ", " + n + "]", cLen, cOff, m, n, ldc);
    }

    static void matvec(int n, int k, int wLen, int wOff, int ldw, int xLen, int xOff, int yLen, int yOff) {
        if (ldw < k) {
            throw new IllegalArgumentException("matvec: W [" + n + ", " + k + "] has ldw=" + ldw + " < " + k);
        }
        need("matvec", "W [" + n + ", " + k + "]", wLen, wOff, n, k, ldw);
        if (xOff < 0 || (long) xOff + k > xLen) {
            throw new IllegalArgumentException("matvec: W [" + n + ", " + k + "] needs x of " + k
                    + " elements but x has " + (xLen - xOff) + " from offset " + xOff);
        }
        if (yOff < 0 || (long) yOff + n > yLen) {
            throw new IllegalArgumentException("matvec: W [" + n + ", " + k + "] needs y of " + n
                    + " elements but y has " + (yLen - yOff) + " from offset " + yOff);
        }
    }

    private static void need(String op, String what, int len, int off, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > len) {
            throw new IllegalArgumentException(op + ": " + what + " with offset " + off + " and leading dimension " + ld
                    + " needs " + last + " elements but the array has " + len);
        }
    }
}
