package dev.prune4j.bench;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_full;

/**
 * The native baselines, through org.bytedeco's OpenBLAS build: SGEMM and LAPACK's Cholesky and
 * SPD inverse. Operands live in native memory so that no copy is timed on the baseline's side.
 */
final class OpenBlas {
    private OpenBlas() {
    }

    /** The thread count OpenBLAS uses from now on. */
    static void threads(int n) {
        openblas_full.openblas_set_num_threads(n);
    }

    /** Loaded library's own description (version and core it picked). */
    static String config() {
        return openblas_full.openblas_get_config().getString();
    }

    /** C [m, n] = A [m, k] · Bᵀ (B: [n, k]), row-major, dense leading dimensions. */
    static void sgemmNT(int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        openblas_full.cblas_sgemm(openblas_full.CblasRowMajor, openblas_full.CblasNoTrans, openblas_full.CblasTrans, m, n, k,
                1f, a, k, b, k, 0f, c, n);
    }

    /** In place: lower Cholesky factor, then the (lower triangle of the) inverse. Returns LAPACK's info. */
    static int potrfPotri(int n, DoublePointer a) {
        int info = openblas_full.LAPACKE_dpotrf(openblas_full.LAPACK_ROW_MAJOR, (byte) 'L', n, a, n);
        if (info != 0) {
            return info;
        }
        return openblas_full.LAPACKE_dpotri(openblas_full.LAPACK_ROW_MAJOR, (byte) 'L', n, a, n);
    }
}
