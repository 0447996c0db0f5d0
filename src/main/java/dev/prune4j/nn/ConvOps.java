package dev.prune4j.nn;

import dev.prune4j.kernels.Kernels;

/** 2-D convolution by im2col on the GEMM, and max/average pooling. Layout NCHW. */
final class ConvOps {
    private static final Kernels K = Kernels.get();

    private ConvOps() {
    }

    /**
     * y = conv(x, w) + b. x: [N, C, H, W], w: [O, C, kh, kw], b: [O] or null, y: [N, O, OH, OW].
     * Forward: cols[N·OH·OW, C·kh·kw] (im2col), y' = w·colsᵀ (gemmT, [O, N·OH·OW]) then permuted to NCHW.
     * Backward: dw += dy'ᵀ·cols, dcols = dy'·w, dx = col2im(dcols), db = Σ dy.
     */
    static final class Conv2d extends Op {
        private final float[] cols;
        private final int n, c, h, w, o, kh, kw, oh, ow;
        private final Conv2dSpec spec;
        private final boolean hasBias;

        private Conv2d(Variable[] in, float[] cols, int[] d, Conv2dSpec spec) {
            super(in);
            this.cols = cols;
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
            int kk = c * kh * kw;
            int positions = n * oh * ow;
            float[] cols = new float[positions * kk]; // cols: [N·OH·OW, C·kh·kw]
            im2col(x.value(), n, c, h, w, kh, kw, oh, ow, spec, cols);
            // y2: [O, N·OH·OW] = w[O, kk]·colsᵀ — the wide dimension (positions) on the GEMM's vector axis
            float[] y2 = new float[o * positions];
            K.gemmT(o, positions, kk, weight.value(), cols, y2);
            float[] y = new float[positions * o]; // y: [N, O, OH, OW]
            float[] b = bias == null ? null : bias.value();
            int hw = oh * ow;
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < o; ch++) {
                    int src = ch * positions + i * hw;
                    int dst = (i * o + ch) * hw;
                    float bc = b == null ? 0f : b[ch];
                    for (int p = 0; p < hw; p++) {
                        y[dst + p] = y2[src + p] + bc;
                    }
                }
            }
            Variable[] in = bias == null ? new Variable[] {x, weight} : new Variable[] {x, weight, bias};
            return new Conv2d(in, cols, new int[] {n, c, h, w, o, kh, kw, oh, ow}, spec).output(y, n, o, oh, ow);
        }

        private static void im2col(float[] x, int n, int c, int h, int w, int kh, int kw, int oh, int ow, Conv2dSpec s, float[] cols) {
            int kk = c * kh * kw;
            for (int i = 0; i < n; i++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int row = ((i * oh + oy) * ow + ox) * kk;
                        int q = 0;
                        for (int ch = 0; ch < c; ch++) {
                            int xo = (i * c + ch) * h * w;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * s.stride() + ky - s.padding();
                                for (int kx = 0; kx < kw; kx++, q++) {
                                    int ix = ox * s.stride() + kx - s.padding();
                                    cols[row + q] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[xo + iy * w + ix] : 0f;
                                }
                            }
                        }
                    }
                }
            }
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
            if (dwv != null) { // dyT: [O, N·OH·OW]; dw[O, kk] += dyT·cols
                float[] dyT = new float[o * positions];
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < o; ch++) {
                        System.arraycopy(dy, (i * o + ch) * hw, dyT, ch * positions + i * hw, hw);
                    }
                }
                K.gemm(o, kk, positions, dyT, 0, positions, cols, 0, kk, 1f, dwv, 0, kk);
            }
            float[] dx = gradOf(0);
            if (dx != null) { // dy2: [N·OH·OW, O]; dcols = dy2·w[O, kk]
                float[] dy2 = new float[positions * o];
                for (int i = 0; i < n; i++) {
                    for (int ch = 0; ch < o; ch++) {
                        int src = (i * o + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            dy2[(i * hw + p) * o + ch] = dy[src + p];
                        }
                    }
                }
                float[] dcols = new float[positions * kk];
                K.gemm(positions, kk, o, dy2, 0, o, inputs()[1].value(), 0, kk, 0f, dcols, 0, kk);
                col2im(dcols, dx);
            }
        }

        private void col2im(float[] dcols, float[] dx) {
            int kk = c * kh * kw;
            for (int i = 0; i < n; i++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int row = ((i * oh + oy) * ow + ox) * kk;
                        int q = 0;
                        for (int ch = 0; ch < c; ch++) {
                            int xo = (i * c + ch) * h * w;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * spec.stride() + ky - spec.padding();
                                for (int kx = 0; kx < kw; kx++, q++) {
                                    int ix = ox * spec.stride() + kx - spec.padding();
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        dx[xo + iy * w + ix] += dcols[row + q];
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
