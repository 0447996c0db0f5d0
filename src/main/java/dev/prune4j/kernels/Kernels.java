package dev.prune4j.kernels;

import java.util.Locale;

/**
 * The compute kernels of prune4j. Matrices are row-major float arrays addressed by an offset and
 * a leading dimension ({@code ld} = distance in elements between the starts of two rows).
 *
 * <p>Implementations: {@link ScalarKernels} (the readable specification) and
 * {@link VectorKernels} (Vector API). {@link #get()} picks one, once: the vector kernels unless
 * the system property {@code prune4j.kernels} or the environment variable
 * {@code PRUNE4J_KERNELS} says {@code scalar}.
 */
public interface Kernels {

    /** The implementation used by prune4j (chosen once per JVM). */
    static Kernels get() {
        return Holder.INSTANCE;
    }

    /** "scalar" or "vector". */
    String name();

    // ------------------------------------------------------------------ matrix products

    /**
     * Linear-layer product {@code C = A·Bᵀ} (+ {@code beta·C}). A: [m, k] (lda), B: [n, k] (ldb) —
     * the weight layout [out, in] — C: [m, n] (ldc). With {@code beta == 0} C is overwritten
     * (NaNs in old C do not leak).
     */
    void gemmT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
               float beta, float[] c, int cOff, int ldc);

    /** Convenience: {@code C = A·Bᵀ} with dense leading dimensions. */
    default void gemmT(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemmT(m, n, k, a, 0, k, b, 0, k, 0f, c, 0, n);
    }

    /**
     * Plain product {@code C = A·B} (+ {@code beta·C}). A: [m, k] (lda), B: [k, n] (ldb), C: [m, n]
     * (ldc). Used for attention-weighted values and autograd.
     */
    void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * Matrix-vector product {@code y = W·x}. W: [n, k] (ldw), x: [k], y: [n]. The decode step of a
     * language model: memory-bound, parallel over rows for large W.
     */
    void matvec(int n, int k, float[] w, int wOff, int ldw, float[] x, int xOff, float[] y, int yOff);

    /**
     * Batched small products for attention: for b in [0, batch): {@code C_b = A_b·B_bᵀ}
     * ({@code transB}) or {@code C_b = A_b·B_b}, each operand at {@code off + b·stride}.
     */
    default void batchedGemm(int batch, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int aStride, int lda,
                             float[] b, int bOff, int bStride, int ldb,
                             float[] c, int cOff, int cStride, int ldc) {
        for (int i = 0; i < batch; i++) {
            if (transB) {
                gemmT(m, n, k, a, aOff + i * aStride, lda, b, bOff + i * bStride, ldb, 0f, c, cOff + i * cStride, ldc);
            } else {
                gemm(m, n, k, a, aOff + i * aStride, lda, b, bOff + i * bStride, ldb, 0f, c, cOff + i * cStride, ldc);
            }
        }
    }

    // ------------------------------------------------------------------ row-wise ops

    /** Softmax of each of {@code rows} rows of length {@code cols} (stride ld), in place; max-subtracted. */
    void softmax(float[] x, int off, int rows, int cols, int ld);

    /**
     * RMSNorm of each row: {@code out = x / sqrt(mean(x²) + eps) · weight}. x and out may alias.
     */
    void rmsNorm(float[] x, int xOff, float[] weight, int wOff, float eps, float[] out, int outOff, int rows, int cols);

    /**
     * LayerNorm of each row: {@code out = (x − mean) / sqrt(var + eps) · gamma + beta}
     * (biased variance). x and out may alias.
     */
    void layerNorm(float[] x, int xOff, float[] gamma, float[] beta, float eps, float[] out, int outOff, int rows, int cols);

    /** SiLU in place: {@code x·σ(x)}. */
    void silu(float[] x, int off, int n);

    /** GELU in place, exact form {@code x·Φ(x)} with the error function (BERT's "gelu"). */
    void gelu(float[] x, int off, int n);

    /** GELU in place, tanh approximation ("gelu_new" / "gelu_pytorch_tanh"). */
    void geluTanh(float[] x, int off, int n);

    /**
     * Rotary position embedding in place on {@code heads} heads of size {@code headSize} stored
     * back to back at {@code off}, for position {@code pos}: pair i (i &lt; headSize/2) is rotated by
     * {@code pos · theta^(−2i/headSize)} (or by the given {@code invFreq[i]} if not null, for scaled
     * RoPE). {@link RopeLayout#INTERLEAVED} pairs (2i, 2i+1) as in llama2.c; {@link RopeLayout#HALF}
     * pairs (i, i + headSize/2) as in Hugging Face ("rotate_half").
     */
    void rope(float[] x, int off, int heads, int headSize, int pos, float[] invFreq, RopeLayout layout);

    // ------------------------------------------------------------------ elementwise

    /** {@code y[i] += alpha·x[i]}. */
    void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff);

    /** {@code out[i] = a[i] + b[i]} (out may alias a or b). */
    void add(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** {@code out[i] = a[i] · b[i]} (out may alias a or b). */
    void mul(int n, float[] a, int aOff, float[] b, int bOff, float[] out, int outOff);

    /** {@code x[i] *= s}. */
    void scale(int n, float s, float[] x, int off);

    // ------------------------------------------------------------------ reductions

    /** Σ x[i], accumulated in double by the scalar spec; vector code may reassociate. */
    float sum(int n, float[] x, int off);

    /** Σ a[i]·b[i]. */
    float dot(int n, float[] a, int aOff, float[] b, int bOff);

    /** Σ x[i]². */
    float sumSquares(int n, float[] x, int off);

    /** max x[i] (NaN if n == 0). */
    float max(int n, float[] x, int off);

    /** Index of the largest element (first one on ties); -1 if n == 0. */
    int argmax(int n, float[] x, int off);

    /** Named choice of RoPE pair layout. */
    enum RopeLayout { INTERLEAVED, HALF }

    /** Lazy holder: the kernel choice is made once, in one place. */
    final class Holder {
        static final Kernels INSTANCE = choose();

        private Holder() {
        }

        private static Kernels choose() {
            String p = System.getProperty("prune4j.kernels");
            if (p == null) {
                p = System.getenv("PRUNE4J_KERNELS");
            }
            String v = p == null ? "vector" : p.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "scalar" -> new ScalarKernels();
                case "vector", "" -> VectorKernels.availableOrScalar();
                default -> throw new IllegalArgumentException("prune4j.kernels / PRUNE4J_KERNELS must be 'scalar' or 'vector', found '" + p + "'");
            };
        }
    }
}
