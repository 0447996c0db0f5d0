package dev.prune4j.kernels;

/**
 * The prefill product of a linear layer whose weights are kept in BF16 (2 bytes per weight):
 * {@code C = A·Wᵀ}, with W widened to float32 inside the blocked GEMM while its blocks are copied
 * (the copy happens anyway), so it runs at the float32 GEMM's rate without a float32 copy of W.
 * The matching scalar specification is {@link Kernels#gemmT} on the widened matrix.
 */
public final class Bf16Gemm {
    private Bf16Gemm() {
    }

    /**
     * C [m, n] = A [m, k] · Wᵀ, W [n, k] as BF16 bit patterns with rows {@code ldw} apart (C is
     * overwritten). On the calling thread and the kernel pool ({@link Parallel}).
     */
    public static void gemmT(int m, int n, int k, float[] a, int aOff, int lda, short[] w, int wOff, int ldw,
                             float[] c, int cOff, int ldc) {
        Checks.gemm("gemmT (BF16 weights)", m, n, k, a.length, aOff, lda, w.length, wOff, ldw, true, c.length, cOff, ldc);
        Gemm.gemmTBf16(m, n, k, a, aOff, lda, w, wOff, ldw, c, cOff, ldc, Gemm.Fork.ALLOWED);
    }

    /** out[to … to + k) = BF16 bits w[from … from + k) as float32. */
    public static void widen(short[] w, int from, float[] out, int to, int k) {
        if (k < 0 || from < 0 || to < 0 || (long) from + k > w.length || (long) to + k > out.length) {
            throw new IllegalArgumentException("widen: need " + k + " elements from offsets " + from + " (of " + w.length
                    + ") and " + to + " (of " + out.length + ")");
        }
        Gemm.widenBf16(w, from, out, to, k);
    }
}
