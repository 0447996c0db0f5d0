package dev.prune4j.nn;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;

/**
 * 2-D convolution — direct ({@link DirectConv}) for stride 1 and few channels, else im2col on the
 * GEMM — and max/average pooling. Layout NCHW.
 */
final class ConvOps {
    private static final Kernels K = Kernels.get();
    /** The direct convolution uses the Vector API, so it follows the one kernel switch. */
    private static final boolean VECTOR = "vector".equals(K.name());

    private ConvOps() {
    }

    /**
     * y = conv(x, w) + b. x: [N, C, H, W], w: [O, C, kh, kw], b: [O] or null, y: [N, O, OH, OW].
     * The columns are kept transposed, colsT[C·kh·kw, N·OH·OW] (one row per kernel tap, the
     * positions contiguous), so that every GEMM has the wide dimension (positions) on the GEMM's
     * vector axis and the narrow one (O, C·kh·kw) on its broadcast rows:
     * forward y' = w·colsT (gemm, [O, N·OH·OW], then permuted to NCHW);
     * backward dw += dyT·colsTᵀ (gemmT), dcolsT = wᵀ·dyT (gemm), dx = col2im(dcolsT), db = Σ dy,
     * with dyT [O, N·OH·OW] the per-channel gather of dy.
     */
    static final class Conv2d extends Op {
        /** How the convolution is computed; both give the same values up to float rounding. */
        enum Algorithm {
            /** {@link DirectConv} where it suits the shape and the vector kernels are on, else im2col. */
            AUTO,
            /** Columns and the GEMM: any stride and channel count (the readable twin). */
            IM2COL,
            /** {@link DirectConv}: stride 1 only. */
            DIRECT
        }

        private final float[] colsT; // im2col: the columns; direct: null
        private final float[] padded; // direct: the padded input; im2col: null
        private final int n, c, h, w, o, kh, kw, oh, ow;
        private final Conv2dSpec spec;
        private final boolean hasBias;

        private Conv2d(Variable[] in, float[] colsT, float[] padded, int[] d, Conv2dSpec spec) {
            super(in);
            this.colsT = colsT;
            this.padded = padded;
            this.n = d[0];
            this.c = d[1];
            this.h = d[2];
            this.w = d[3];
            this.o = d[4];
            this.kh = d[5];
            this.kw = d[6];
            this.oh = d[7];
            this.ow = d[8];
            this.spec = spec;
            this.hasBias = in.length == 3;
        }

        static Variable apply(Variable x, Variable weight, Variable bias, Conv2dSpec spec) {
            return apply(x, weight, bias, spec, Algorithm.AUTO);
        }

        static Variable apply(Variable x, Variable weight, Variable bias, Conv2dSpec spec, Algorithm algorithm) {
            Shapes.rank("conv2d", x, 4);
            Shapes.rank("conv2d weight", weight, 4);
            int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
            int o = weight.dim(0), kh = weight.dim(2), kw = weight.dim(3);
            if (weight.dim(1) != c) {
                throw new IllegalArgumentException("conv2d: input has " + c + " channels, weight expects " + weight.dim(1));
            }
            if (bias != null && bias.size() != o) {
                throw new IllegalArgumentException("conv2d: bias needs " + o + " values, found " + bias.size());
            }
            int oh = spec.out(h, kh), ow = spec.out(w, kw);
            Variable[] in = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
            int[] dims = {n, c, h, w, o, kh, kw, oh, ow};
            boolean direct = switch (algorithm) {
                case AUTO -> VECTOR && DirectConv.suits(spec, c, o, kh, kw);
                case IM2COL -> false;
                case DIRECT -> {
                    if (spec.stride() != 1) {
                        throw new IllegalArgumentException("conv2d: the direct algorithm needs stride 1, found " + spec.stride());
                    }
                    yield true;
                }
            };
            if (direct) {
                DirectConv.Geometry g = new DirectConv.Geometry(n, c, h, w, o, kh, kw, spec.padding());
                float[] padded = new float[g.paddedLength()]; // padded: [N, C, H+2p, W+2p] + slack
                float[] y = new float[n * o * oh * ow]; // y: [N, O, OH, OW]
                DirectConv.forward(g, x.value(), weight.value(), bias == null ? null : bias.value(), padded, y);
                return new Conv2d(in, null, padded, dims, spec).output(y, n, o, oh, ow);
            }
            int kk = c * kh * kw;
            int positions = n * oh * ow;
            float[] colsT = new float[kk * positions]; // colsT: [C·kh·kw, N·OH·OW]
            im2colT(x.value(), n, c, h, w, kh, kw, oh, ow, spec, colsT);
            // y2: [O, N·OH·OW] = w[O, kk]·colsT[kk, N·OH·OW]
            float[] y2 = new float[o * positions];
            K.gemm(o, positions, kk, weight.value(), 0, kk, colsT, 0, positions, 0f, y2, 0, positions);
            float[] y = new float[positions * o]; // y: [N, O, OH, OW]
            float[] b = bias == null ? null : bias.value();
            int hw = oh * ow;
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < o; ch++) {
                    int src = ch * positions + i * hw;
                    int dst = (i * o + ch) * hw;
                    if (b == null) {
                        System.arraycopy(y2, src, y, dst, hw);
                    } else {
                        float bc = b[ch];
                        for (int q = 0; q < hw; q++) {
                            y[dst + q] = y2[src + q] + bc;
                        }
                    }
                }
            }
            return new Conv2d(in, colsT, null, dims, spec).output(y, n, o, oh, ow);
        }

        /** colsT[(ch·kh + ky)·kw + kx][(i·OH + oy)·OW + ox] = x[i, ch, oy·s + ky − pad, ox·s + kx − pad] (0 outside). */
        private static void im2colT(float[] x, int n, int c, int h, int w, int kh, int kw, int oh, int ow, Conv2dSpec s, float[] colsT) {
            int positions = n * oh * ow;
            int stride = s.stride(), pad = s.padding();
            for (int ch = 0; ch < c; ch++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int row = ((ch * kh + ky) * kw + kx) * positions;
                        // the output columns whose input column ix = ox·s + kx − pad lies inside [0, w)
                        int ox0 = Math.max(0, ceilDiv(pad - kx, stride));
                        int ox1 = Math.min(ow, ceilDiv(w + pad - kx, stride));
                        for (int i = 0; i < n; i++) {
                            int xo = (i * c + ch) * h * w;
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * stride + ky - pad;
                                int dst = row + (i * oh + oy) * ow;
                                if (iy < 0 || iy >= h || ox0 >= ox1) {
                                    continue; // colsT is zero-initialised
                                }
                                int src = xo + iy * w + kx - pad;
                                if (stride == 1) {
                                    System.arraycopy(x, src + ox0, colsT, dst + ox0, ox1 - ox0);
                                } else {
                                    for (int ox = ox0; ox < ox1; ox++) {
                                        colsT[dst + ox] = x[src + ox * stride];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private static int ceilDiv(int a, int b) {
            return Math.floorDiv(a + b - 1, b);
        }

        @Override
        public String name() {
            return "conv2d";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad(); // dy: [N, O, OH, OW]
            int hw = oh * ow;
            int positions = n * hw;
            int kk = c * kh * kw;
            float[] db = hasBias ? gradOf(2) : null;
            if (db != null) {
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < o; ch++) {
                        db[ch] += K.sum(hw, dy, (i * o + ch) * hw);
                    }
                }
            }
            float[] dwv = gradOf(1);
            float[] dx = gradOf(0);
            if (dwv == null && dx == null) {
                return;
            }
            if (padded != null) {
                DirectConv.Geometry g = new DirectConv.Geometry(n, c, h, w, o, kh, kw, spec.padding());
                float[] dyp = DirectConv.wideGradient(g, dy); // dyp: [N, O, planeDy]
                if (dwv != null) {
                    DirectConv.backwardWeight(g, dyp, padded, dwv);
                }
                if (dx != null) {
                    DirectConv.backwardInput(g, dyp, inputs()[1].value(), dx);
                }
                return;
            }
            float[] dyT = new float[o * positions]; // dyT: [O, N·OH·OW]
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < o; ch++) {
                    System.arraycopy(dy, (i * o + ch) * hw, dyT, ch * positions + i * hw, hw);
                }
            }
            if (dwv != null) { // dw[O, kk] += dyT[O, P]·colsT[kk, P]ᵀ
                K.gemmT(o, kk, positions, dyT, 0, positions, colsT, 0, positions, 1f, dwv, 0, kk);
            }
            if (dx != null) { // dcolsT[kk, P] = wᵀ[kk, O]·dyT[O, P]
                float[] wv = inputs()[1].value();
                float[] wt = new float[kk * o];
                for (int ch = 0; ch < o; ch++) {
                    for (int q = 0; q < kk; q++) {
                        wt[q * o + ch] = wv[ch * kk + q];
                    }
                }
                float[] dcolsT = new float[kk * positions];
                K.gemm(kk, positions, o, wt, 0, o, dyT, 0, positions, 0f, dcolsT, 0, positions);
                col2imT(dcolsT, dx);
            }
        }

        /** dx[i, ch, iy, ix] += Σ over the taps and positions that read it of dcolsT (the adjoint of im2colT). */
        private void col2imT(float[] dcolsT, float[] dx) {
            int positions = n * oh * ow;
            int stride = spec.stride(), pad = spec.padding();
            for (int ch = 0; ch < c; ch++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int row = ((ch * kh + ky) * kw + kx) * positions;
                        int ox0 = Math.max(0, ceilDiv(pad - kx, stride));
                        int ox1 = Math.min(ow, ceilDiv(w + pad - kx, stride));
                        for (int i = 0; i < n; i++) {
                            int xo = (i * c + ch) * h * w;
                            for (int oy = 0; oy < oh; oy++) {
                                int iy = oy * stride + ky - pad;
                                if (iy < 0 || iy >= h || ox0 >= ox1) {
                                    continue;
                                }
                                int src = row + (i * oh + oy) * ow;
                                int dst = xo + iy * w + kx - pad;
                                if (stride == 1) {
                                    K.axpy(ox1 - ox0, 1f, dcolsT, src + ox0, dx, dst + ox0);
                                } else {
                                    for (int ox = ox0; ox < ox1; ox++) {
                                        dx[dst + ox * stride] += dcolsT[src + ox];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** How a pooling window reduces. */
    enum PoolKind { MAX, AVG }

    /**
     * Max or average pooling with a k×k window. Max pooling routes the gradient to the first
     * largest element of each window; average pooling spreads it evenly (padding counts as zero
     * and is included in the divisor, PyTorch's default count_include_pad).
     */
    static final class Pool2d extends Op {
        private final int[] argmax; // per output, index into x (MAX only)
        private final PoolKind kind;
        private final int k;
        private final Conv2dSpec spec;

        private Pool2d(Variable x, int[] argmax, PoolKind kind, int k, Conv2dSpec spec) {
            super(x);
            this.argmax = argmax;
            this.kind = kind;
            this.k = k;
            this.spec = spec;
        }

        static Variable apply(Variable x, PoolKind kind, int k, Conv2dSpec spec) {
            Shapes.rank("pool2d", x, 4);
            int n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
            int oh = spec.out(h, k), ow = spec.out(w, k);
            float[] xv = x.value();
            float[] y = new float[n * c * oh * ow];
            int[] arg = kind == PoolKind.MAX ? new int[y.length] : null;
            if (kind == PoolKind.MAX && spec.padding() == 0) {
                // ≈ 2 ns per output
                Parallel.forRange(n * c, 1, 2L * y.length,
                        (p0, p1) -> maxUnpadded(xv, p0, p1, h, w, k, spec.stride(), oh, ow, y, arg));
                return new Pool2d(x, arg, kind, k, spec).output(y, n, c, oh, ow);
            }
            float inv = 1f / (k * k);
            int q = 0;
            for (int plane = 0; plane < n * c; plane++) {
                int xo = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, q++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int bi = -1;
                        double s = 0;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * spec.stride() + ky - spec.padding();
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * spec.stride() + kx - spec.padding();
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                float v = xv[xo + iy * w + ix];
                                s += v;
                                if (v > best) {
                                    best = v;
                                    bi = xo + iy * w + ix;
                                }
                            }
                        }
                        if (kind == PoolKind.MAX) {
                            y[q] = best;
                            arg[q] = bi;
                        } else {
                            y[q] = (float) s * inv;
                        }
                    }
                }
            }
            return new Pool2d(x, arg, kind, k, spec).output(y, n, c, oh, ow);
        }

        /**
         * Max pooling without padding (every window lies inside the plane): y and the index of the
         * first largest element of each window, branch-free for the common 2×2 window.
         */
        private static void maxUnpadded(float[] x, int plane0, int plane1, int h, int w, int k, int s, int oh, int ow, float[] y, int[] arg) {
            int q = plane0 * oh * ow;
            for (int plane = plane0; plane < plane1; plane++) {
                int xo = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    int row = xo + oy * s * w;
                    if (k == 2) {
                        for (int ox = 0; ox < ow; ox++, q++) {
                            int i0 = row + ox * s;
                            int i1 = i0 + w;
                            int a = orderKey(x[i0]), b = orderKey(x[i0 + 1]), c = orderKey(x[i1]), d = orderKey(x[i1 + 1]);
                            // first largest in window order a, b, c, d (strict > keeps the earlier on
                            // ties), in arithmetic: C2 compiles these compares as branches, and the
                            // predictor loses on half of them (measured 2.3x slower)
                            int gab = (int) (((long) a - b) >>> 63); // 1 when b > a
                            int mab = a + (b - a) * gab;
                            int gcd = (int) (((long) c - d) >>> 63); // 1 when d > c
                            int mcd = c + (d - c) * gcd;
                            int lower = (int) (((long) mab - mcd) >>> 63); // 1 when max(c, d) > max(a, b)
                            int best = i0 + gab + (w + gcd - gab) * lower;
                            y[q] = x[best];
                            arg[q] = best;
                        }
                        continue;
                    }
                    for (int ox = 0; ox < ow; ox++, q++) {
                        float best = Float.NEGATIVE_INFINITY;
                        int bi = -1;
                        for (int ky = 0; ky < k; ky++) {
                            int base = row + ky * w + ox * s;
                            for (int kx = 0; kx < k; kx++) {
                                float v = x[base + kx];
                                if (v > best) {
                                    best = v;
                                    bi = base + kx;
                                }
                            }
                        }
                        y[q] = best;
                        arg[q] = bi;
                    }
                }
            }
        }

        /**
         * An int that orders like the float (−0 and +0 equal, as float compares have them): the
         * sign-magnitude bits turned into two's complement. NaN orders above +∞.
         */
        private static int orderKey(float v) {
            int bits = Float.floatToRawIntBits(v);
            int sign = bits >> 31;
            return ((bits & 0x7fffffff) ^ sign) - sign;
        }

        @Override
        public String name() {
            return kind == PoolKind.MAX ? "maxPool2d" : "avgPool2d";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] dx = gradOf(0);
            if (kind == PoolKind.MAX) {
                for (int q = 0; q < dy.length; q++) {
                    dx[argmax[q]] += dy[q];
                }
                return;
            }
            int[] s = inputs()[0].shape();
            int h = s[2], w = s[3];
            int oh = out.dim(2), ow = out.dim(3);
            float inv = 1f / (k * k);
            int q = 0;
            for (int plane = 0; plane < s[0] * s[1]; plane++) {
                int xo = plane * h * w;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, q++) {
                        float g = dy[q] * inv;
                        for (int ky = 0; ky < k; ky++) {
                            int iy = oy * spec.stride() + ky - spec.padding();
                            for (int kx = 0; kx < k; kx++) {
                                int ix = ox * spec.stride() + kx - spec.padding();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    dx[xo + iy * w + ix] += g;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
