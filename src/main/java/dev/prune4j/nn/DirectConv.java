package dev.prune4j.nn;

import dev.prune4j.kernels.Lanes;

import dev.prune4j.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct (im2col-free) stride-1 convolution for the few channels of LeNet-style CNNs, on "wide
 * rows": every input plane is zero-padded to Hp×Wp and every output row is computed Wp wide (the
 * last kw−1 columns of each row are junk that is never copied out). Output position
 * q = oy·Wp + ox then reads input q + ky·Wp + kx for tap (ky, kx), so each tap is one shifted
 * contiguous stretch of the padded plane, and the whole convolution is a sum over taps of
 * broadcast(weight) × shifted plane — a register-blocked kernel of {@link #MR} output channels by
 * two vectors of positions, with no column matrix to build, pack or stream (im2col's column
 * matrix is C·kh·kw times the input). This is the direct convolution of Georganas et al.,
 * "Anatomy of High-Performance Deep Learning Convolutions on SIMD Architectures" (SC 2018),
 * specialised to NCHW with the positions, not the channels, on the vector axis, which suits
 * 1–16 channels.
 *
 * <p>The backward rules reuse the same kernel: the input gradient is the "full" correlation of the
 * output gradient with the flipped kernel (the output gradient is laid out wide, with
 * (kh−1)·Wp + kw−1 leading zeros, so that every tap is again a forward shift); the weight gradient
 * is, per tap, the dot product of the wide output gradient (zero in the junk columns) with the
 * shifted padded input. The im2col path in {@link ConvOps.Conv2d} is the readable twin that the
 * tests compare against.
 *
 * <p>Work is split over images (forward, input gradient) or over taps (weight gradient), so every
 * sum is taken in the same order whatever the thread count: results do not depend on it.
 */
final class DirectConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Positions per micro-tile: two vectors. */
    private static final int CHUNK = 2 * L;
    /** Output channels per micro-tile (broadcast weights); 6×2 accumulators fit 16 registers. */
    static final int MR = 6;
    /** Multiply-adds per nanosecond assumed for the parallel/serial decision. */
    private static final long MACS_PER_NS = 8;

    private DirectConv() {
    }

    /** Whether the direct path applies: stride 1 and few input taps and output channels. */
    static boolean suits(Conv2dSpec spec, int c, int o, int kh, int kw) {
        return spec.stride() == 1 && c * kh * kw <= 256 && o <= 64;
    }

    /** The sizes of one convolution and its wide-row buffers (stride 1). */
    record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int pad) {
        int wp() {
            return w + 2 * pad;
        }

        int hp() {
            return h + 2 * pad;
        }

        int oh() {
            return hp() - kh + 1;
        }

        int ow() {
            return wp() - kw + 1;
        }

        /** Floats per padded input plane. */
        int planeX() {
            return hp() * wp();
        }

        /** Wide output length per channel (a multiple of the micro-tile width). */
        int qOut() {
            return roundUp(oh() * wp(), CHUNK);
        }

        /** Wide input-gradient length per channel. */
        int qIn() {
            return roundUp(hp() * wp(), CHUNK);
        }

        /** Leading zeros of a wide output-gradient plane: the largest tap shift. */
        int front() {
            return (kh - 1) * wp() + kw - 1;
        }

        /** Floats per wide output-gradient plane. */
        int planeDy() {
            return front() + qIn();
        }

        int taps() {
            return c * kh * kw;
        }

        /** Length of the padded input of the whole batch, with slack for the junk columns' reads. */
        int paddedLength() {
            return n * c * planeX() + kw + CHUNK;
        }

        long macs() {
            return (long) n * o * taps() * oh() * ow();
        }
    }

    private static int roundUp(int a, int m) {
        return (a + m - 1) / m * m;
    }

    /**
     * y = conv(x, w) + b. x: [N, C, H, W], w: [O, C, kh, kw], b: [O] or null, y: [N, O, OH, OW];
     * xp (length {@link Geometry#paddedLength()}, zeroed) receives the padded input, kept for the
     * weight gradient.
     */
    static void forward(Geometry g, float[] x, float[] w, float[] b, float[] xp, float[] y) {
        int taps = g.taps();
        float[] wpk = pack(w, g.o(), taps, false, g); // wpk: [⌈O/MR⌉, taps, MR]
        int[] toff = new int[taps];
        for (int ch = 0, t = 0; ch < g.c(); ch++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, t++) {
                    toff[t] = ch * g.planeX() + ky * g.wp() + kx;
                }
            }
        }
        int groups = (g.o() + MR - 1) / MR;
        int q = g.qOut(), oh = g.oh(), ow = g.ow(), wp = g.wp(), o = g.o();
        Parallel.forRange(g.n(), 1, g.macs() / MACS_PER_NS, (i0, i1) -> {
            float[] acc = new float[groups * MR * q]; // acc: [⌈O/MR⌉·MR, qOut]
            for (int i = i0; i < i1; i++) {
                padImage(g, x, i, xp);
                int src = i * g.c() * g.planeX();
                for (int gr = 0; gr < groups; gr++) {
                    tile(xp, src, toff, taps, wpk, gr * taps * MR, acc, gr * MR * q, q);
                }
                for (int ch = 0; ch < o; ch++) {
                    float bc = b == null ? 0f : b[ch];
                    int dst = (i * o + ch) * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int a = ch * q + oy * wp;
                        for (int ox = 0; ox < ow; ox++) {
                            y[dst + oy * ow + ox] = acc[a + ox] + bc;
                        }
                    }
                }
            }
        });
    }

    /** Copies image i into its zero-bordered planes of xp. */
    private static void padImage(Geometry g, float[] x, int i, float[] xp) {
        int h = g.h(), w = g.w(), wp = g.wp(), pad = g.pad();
        for (int ch = 0; ch < g.c(); ch++) {
            int src = (i * g.c() + ch) * h * w;
            int dst = (i * g.c() + ch) * g.planeX() + pad * wp + pad;
            for (int iy = 0; iy < h; iy++) {
                System.arraycopy(x, src + iy * w, xp, dst + iy * wp, w);
            }
        }
    }

    /**
     * Packs weights [O, C, kh, kw] into micro-tile order [⌈O/MR⌉, taps, MR] (zero rows pad the
     * last group); with {@code flipped}, the weights of the input gradient instead: output
     * channels ↔ input channels swapped and the kernel rotated by 180°, [⌈C/MR⌉, O·kh·kw, MR].
     */
    private static float[] pack(float[] w, int rows, int taps, boolean flipped, Geometry g) {
        int groups = (rows + MR - 1) / MR;
        float[] p = new float[groups * taps * MR];
        int kh = g.kh(), kw = g.kw(), c = g.c();
        for (int r = 0; r < rows; r++) {
            int base = (r / MR) * taps * MR + r % MR;
            for (int t = 0; t < taps; t++) {
                float v;
                if (!flipped) {
                    v = w[r * taps + t]; // r = output channel, t = (c·kh + ky)·kw + kx
                } else { // r = input channel, t = (o·kh + ky')·kw + kx'
                    int oc = t / (kh * kw), ky = kh - 1 - (t / kw) % kh, kx = kw - 1 - t % kw;
                    v = w[((oc * c + r) * kh + ky) * kw + kx];
                }
                p[base + t * MR] = v;
            }
        }
        return p;
    }

    /**
     * The micro-kernel: out[j][q] = Σ_t wpk[wOff + t·MR + j] · src[srcOff + toff[t] + q] for the
     * MR channels j of one group and q in [0, len) (len a multiple of {@link #CHUNK}); out rows
     * are {@code len} apart from {@code outOff}.
     */
    private static void tile(float[] src, int srcOff, int[] toff, int taps, float[] wpk, int wOff,
                             float[] out, int outOff, int len) {
        for (int q = 0; q < len; q += CHUNK) {
            FloatVector z = FloatVector.zero(S);
            FloatVector a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z;
            FloatVector a30 = z, a31 = z, a40 = z, a41 = z, a50 = z, a51 = z;
            int wi = wOff;
            for (int t = 0; t < taps; t++, wi += MR) {
                int xo = srcOff + toff[t] + q;
                FloatVector x0 = FloatVector.fromArray(S, src, xo);
                FloatVector x1 = FloatVector.fromArray(S, src, xo + L);
                FloatVector b = FloatVector.broadcast(S, wpk[wi]);
                a00 = x0.fma(b, a00);
                a01 = x1.fma(b, a01);
                b = FloatVector.broadcast(S, wpk[wi + 1]);
                a10 = x0.fma(b, a10);
                a11 = x1.fma(b, a11);
                b = FloatVector.broadcast(S, wpk[wi + 2]);
                a20 = x0.fma(b, a20);
                a21 = x1.fma(b, a21);
                b = FloatVector.broadcast(S, wpk[wi + 3]);
                a30 = x0.fma(b, a30);
                a31 = x1.fma(b, a31);
                b = FloatVector.broadcast(S, wpk[wi + 4]);
                a40 = x0.fma(b, a40);
                a41 = x1.fma(b, a41);
                b = FloatVector.broadcast(S, wpk[wi + 5]);
                a50 = x0.fma(b, a50);
                a51 = x1.fma(b, a51);
            }
            int o = outOff + q;
            a00.intoArray(out, o);
            a01.intoArray(out, o + L);
            o += len;
            a10.intoArray(out, o);
            a11.intoArray(out, o + L);
            o += len;
            a20.intoArray(out, o);
            a21.intoArray(out, o + L);
            o += len;
            a30.intoArray(out, o);
            a31.intoArray(out, o + L);
            o += len;
            a40.intoArray(out, o);
            a41.intoArray(out, o + L);
            o += len;
            a50.intoArray(out, o);
            a51.intoArray(out, o + L);
        }
    }

    /**
     * The output gradient laid out for both backward kernels: dyp[N, O, planeDy], each plane
     * {@link Geometry#front()} zeros, then dy's rows Wp apart (zero junk columns), then zeros.
     */
    static float[] wideGradient(Geometry g, float[] dy) {
        int oh = g.oh(), ow = g.ow(), wp = g.wp(), plane = g.planeDy(), front = g.front();
        float[] dyp = new float[g.n() * g.o() * plane];
        for (int p = 0; p < g.n() * g.o(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(dy, (p * oh + oy) * ow, dyp, p * plane + front + oy * wp, ow);
            }
        }
        return dyp;
    }

    /** dx[N, C, H, W] += the input gradient, from the wide output gradient dyp and the weights w. */
    static void backwardInput(Geometry g, float[] dyp, float[] w, float[] dx) {
        int tapsO = g.o() * g.kh() * g.kw();
        float[] wfp = pack(w, g.c(), tapsO, true, g); // wfp: [⌈C/MR⌉, O·kh·kw, MR]
        int[] toff = new int[tapsO];
        for (int oc = 0, t = 0; oc < g.o(); oc++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++, t++) {
                    toff[t] = oc * g.planeDy() + ky * g.wp() + kx;
                }
            }
        }
        int groups = (g.c() + MR - 1) / MR;
        int q = g.qIn(), h = g.h(), w2 = g.w(), wp = g.wp(), pad = g.pad(), c = g.c();
        Parallel.forRange(g.n(), 1, g.macs() / MACS_PER_NS, (i0, i1) -> {
            float[] acc = new float[groups * MR * q]; // acc: [⌈C/MR⌉·MR, qIn], padded coordinates
            for (int i = i0; i < i1; i++) {
                int src = i * g.o() * g.planeDy();
                for (int gr = 0; gr < groups; gr++) {
                    tile(dyp, src, toff, tapsO, wfp, gr * tapsO * MR, acc, gr * MR * q, q);
                }
                for (int ch = 0; ch < c; ch++) {
                    int dst = (i * c + ch) * h * w2;
                    for (int iy = 0; iy < h; iy++) {
                        int a = ch * q + (iy + pad) * wp + pad;
                        for (int ix = 0; ix < w2; ix++) {
                            dx[dst + iy * w2 + ix] += acc[a + ix];
                        }
                    }
                }
            }
        });
    }

    /**
     * dw[O, C, kh, kw] += Σ over images and positions of dy · shifted padded input, from the wide
     * output gradient dyp and the padded input xp of the forward pass. Split over taps; per
     * (channel, tap) the images are summed in order.
     */
    static void backwardWeight(Geometry g, float[] dyp, float[] xp, float[] dw) {
        int taps = g.taps(), o = g.o(), kh = g.kh(), kw = g.kw();
        int len = roundUp(g.oh() * g.wp(), L);
        Parallel.forRange(taps, 1, g.macs() / MACS_PER_NS, (t0, t1) -> {
            for (int i = 0; i < g.n(); i++) {
                int dyBase = i * o * g.planeDy() + g.front();
                for (int t = t0; t < t1; t++) {
                    int ch = t / (kh * kw), ky = (t / kw) % kh, kx = t % kw;
                    int xo = (i * g.c() + ch) * g.planeX() + ky * g.wp() + kx;
                    int oc = 0;
                    for (; oc + 4 <= o; oc += 4) {
                        dot4(xp, xo, dyp, dyBase + oc * g.planeDy(), g.planeDy(), len, dw, oc * taps + t, taps);
                    }
                    for (; oc < o; oc++) {
                        dw[oc * taps + t] += dot(xp, xo, dyp, dyBase + oc * g.planeDy(), len);
                    }
                }
            }
        });
    }

    /** dw[d + j·ldd] += Σ_q x[xo + q]·dy[yo + j·ldy + q] for j < 4 (len a multiple of L). */
    private static void dot4(float[] x, int xo, float[] dy, int yo, int ldy, int len, float[] dw, int d, int ldd) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int q = 0; q < len; q += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xo + q);
            a0 = FloatVector.fromArray(S, dy, yo + q).fma(xv, a0);
            a1 = FloatVector.fromArray(S, dy, yo + ldy + q).fma(xv, a1);
            a2 = FloatVector.fromArray(S, dy, yo + 2 * ldy + q).fma(xv, a2);
            a3 = FloatVector.fromArray(S, dy, yo + 3 * ldy + q).fma(xv, a3);
        }
        float[] lt = new float[S.length()]; // lanes for Lanes.sumStored: no vector crosses a call
        a0.intoArray(lt, 0);
        dw[d] += Lanes.sumStored(lt, lt.length);
        a1.intoArray(lt, 0);
        dw[d + ldd] += Lanes.sumStored(lt, lt.length);
        a2.intoArray(lt, 0);
        dw[d + 2 * ldd] += Lanes.sumStored(lt, lt.length);
        a3.intoArray(lt, 0);
        dw[d + 3 * ldd] += Lanes.sumStored(lt, lt.length);
    }

    private static float dot(float[] x, int xo, float[] dy, int yo, int len) {
        FloatVector a = FloatVector.zero(S);
        for (int q = 0; q < len; q += L) {
            a = FloatVector.fromArray(S, dy, yo + q).fma(FloatVector.fromArray(S, x, xo + q), a);
        }
        float[] lt = new float[S.length()]; // lanes for Lanes.sumStored: no vector crosses a call
        a.intoArray(lt, 0);
        return Lanes.sumStored(lt, lt.length);
    }
}
