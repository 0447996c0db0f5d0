package dev.prune4j.nn;

/** Row-wise softmax, log-softmax and the normalisations (LayerNorm, RMSNorm, BatchNorm). */
final class NormOps {
    private NormOps() {
    }

    static int lastDim(String op, Variable x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": needs at least one dimension, found " + x);
        }
        return x.dim(x.rank() - 1);
    }

    /** Softmax over the last dimension; dx = y ⊙ (dy − Σ dy·y) per row. */
    static final class Softmax extends Op {
        private Softmax(Variable x) {
            super(x);
        }

        static Variable apply(Variable x) {
            int c = lastDim("softmax", x);
            float[] y = x.value().clone();
            int rows = y.length / Math.max(1, c);
            dev.prune4j.kernels.Kernels.get().softmax(y, 0, rows, c, c);
            return new Softmax(x).output(y, x.shape());
        }

        @Override
        public String name() {
            return "softmax";
        }

        @Override
        protected void backward(Variable out) {
            int c = out.dim(out.rank() - 1);
            float[] y = out.value();
            float[] dy = out.grad();
            float[] dx = gradOf(0);
            for (int o = 0; o < y.length; o += c) {
                double dot = 0;
                for (int j = 0; j < c; j++) {
                    dot += dy[o + j] * y[o + j];
                }
                for (int j = 0; j < c; j++) {
                    dx[o + j] += (float) (y[o + j] * (dy[o + j] - dot));
                }
            }
        }
    }

    /** log softmax over the last dimension: y = x − logΣexp(x); dx = dy − softmax(x)·Σ dy per row. */
    static final class LogSoftmax extends Op {
        private LogSoftmax(Variable x) {
            super(x);
        }

        static Variable apply(Variable x) {
            int c = lastDim("logSoftmax", x);
            float[] xv = x.value();
            float[] y = new float[xv.length];
            for (int o = 0; o < xv.length; o += c) {
                double lse = logSumExp(xv, o, c);
                for (int j = 0; j < c; j++) {
                    y[o + j] = (float) (xv[o + j] - lse);
                }
            }
            return new LogSoftmax(x).output(y, x.shape());
        }

        static double logSumExp(float[] x, int o, int c) {
            double mx = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                mx = Math.max(mx, x[o + j]);
            }
            double s = 0;
            for (int j = 0; j < c; j++) {
                s += Math.exp(x[o + j] - mx);
            }
            return mx + Math.log(s);
        }

        @Override
        public String name() {
            return "logSoftmax";
        }

        @Override
        protected void backward(Variable out) {
            int c = out.dim(out.rank() - 1);
            float[] y = out.value();
            float[] dy = out.grad();
            float[] dx = gradOf(0);
            for (int o = 0; o < y.length; o += c) {
                double s = 0;
                for (int j = 0; j < c; j++) {
                    s += dy[o + j];
                }
                for (int j = 0; j < c; j++) {
                    dx[o + j] += (float) (dy[o + j] - Math.exp(y[o + j]) * s);
                }
            }
        }
    }

    /**
     * LayerNorm over the last dimension (Ba et al. 2016): y = x̂·γ + β with x̂ = (x − μ)/σ,
     * σ = √(var + eps), biased variance. dx = (1/σ)(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ.
     */
    static final class LayerNorm extends Op {
        private final float[] xhat;
        private final float[] invStd;

        private LayerNorm(Variable x, Variable gamma, Variable beta, float[] xhat, float[] invStd) {
            super(x, gamma, beta);
            this.xhat = xhat;
            this.invStd = invStd;
        }

        static Variable apply(Variable x, Variable gamma, Variable beta, float eps) {
            int c = lastDim("layerNorm", x);
            if (gamma.size() != c || beta.size() != c) {
                throw new IllegalArgumentException("layerNorm: γ and β need " + c + " values, found " + gamma.size() + " and " + beta.size());
            }
            float[] xv = x.value();
            int rows = xv.length / Math.max(1, c);
            float[] xhat = new float[xv.length];
            float[] inv = new float[rows];
            float[] y = new float[xv.length];
            float[] g = gamma.value();
            float[] b = beta.value();
            for (int r = 0; r < rows; r++) {
                int o = r * c;
                double mean = 0;
                for (int j = 0; j < c; j++) {
                    mean += xv[o + j];
                }
                mean /= c;
                double var = 0;
                for (int j = 0; j < c; j++) {
                    double d = xv[o + j] - mean;
                    var += d * d;
                }
                var /= c;
                double is = 1 / Math.sqrt(var + eps);
                inv[r] = (float) is;
                for (int j = 0; j < c; j++) {
                    xhat[o + j] = (float) ((xv[o + j] - mean) * is);
                    y[o + j] = xhat[o + j] * g[j] + b[j];
                }
            }
            return new LayerNorm(x, gamma, beta, xhat, inv).output(y, x.shape());
        }

        @Override
        public String name() {
            return "layerNorm";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            int c = inputs()[1].size();
            float[] gam = inputs()[1].value();
            float[] dx = gradOf(0);
            float[] dg = gradOf(1);
            float[] db = gradOf(2);
            for (int r = 0; r < invStd.length; r++) {
                int o = r * c;
                double mg = 0;
                double mgx = 0;
                for (int j = 0; j < c; j++) {
                    double g = dy[o + j] * gam[j];
                    mg += g;
                    mgx += g * xhat[o + j];
                    if (dg != null) {
                        dg[j] += dy[o + j] * xhat[o + j];
                    }
                    if (db != null) {
                        db[j] += dy[o + j];
                    }
                }
                mg /= c;
                mgx /= c;
                if (dx != null) {
                    for (int j = 0; j < c; j++) {
                        dx[o + j] += (float) (invStd[r] * (dy[o + j] * gam[j] - mg - xhat[o + j] * mgx));
                    }
                }
            }
        }
    }

    /**
     * RMSNorm over the last dimension (Zhang &amp; Sennrich 2019): y = x/ρ·w, ρ = √(mean(x²) + eps).
     * dx = (1/ρ)(g − x·mean(g·x)/ρ²) with g = dy·w; dw = Σ dy·x/ρ.
     */
    static final class RmsNorm extends Op {
        private final float[] invRms;

        private RmsNorm(Variable x, Variable w, float[] invRms) {
            super(x, w);
            this.invRms = invRms;
        }

        static Variable apply(Variable x, Variable w, float eps) {
            int c = lastDim("rmsNorm", x);
            if (w.size() != c) {
                throw new IllegalArgumentException("rmsNorm: weight needs " + c + " values, found " + w.size());
            }
            float[] xv = x.value();
            int rows = xv.length / Math.max(1, c);
            float[] inv = new float[rows];
            float[] y = new float[xv.length];
            float[] wv = w.value();
            for (int r = 0; r < rows; r++) {
                int o = r * c;
                double ss = 0;
                for (int j = 0; j < c; j++) {
                    ss += (double) xv[o + j] * xv[o + j];
                }
                double is = 1 / Math.sqrt(ss / c + eps);
                inv[r] = (float) is;
                for (int j = 0; j < c; j++) {
                    y[o + j] = (float) (xv[o + j] * is * wv[j]);
                }
            }
            return new RmsNorm(x, w, inv).output(y, x.shape());
        }

        @Override
        public String name() {
            return "rmsNorm";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] xv = inputs()[0].value();
            float[] wv = inputs()[1].value();
            int c = wv.length;
            float[] dx = gradOf(0);
            float[] dw = gradOf(1);
            for (int r = 0; r < invRms.length; r++) {
                int o = r * c;
                double is = invRms[r];
                double mgx = 0;
                for (int j = 0; j < c; j++) {
                    mgx += (double) dy[o + j] * wv[j] * xv[o + j];
                    if (dw != null) {
                        dw[j] += (float) (dy[o + j] * xv[o + j] * is);
                    }
                }
                mgx /= c;
                if (dx != null) {
                    for (int j = 0; j < c; j++) {
                        dx[o + j] += (float) (is * (dy[o + j] * wv[j] - xv[o + j] * mgx * is * is));
                    }
                }
            }
        }
    }

    /** Which statistics BatchNorm normalises with. */
    enum BatchStats { BATCH, RUNNING }

    /**
     * BatchNorm (Ioffe &amp; Szegedy 2015) over channel dimension 1 of [N, C] or [N, C, H, W].
     * With batch statistics it also updates the running mean and unbiased variance
     * (momentum as in PyTorch); with running statistics it is an affine map.
     */
    static final class BatchNorm extends Op {
        private final float[] xhat;
        private final float[] invStd; // per channel
        private final BatchStats stats;
        private final int n;
        private final int c;
        private final int hw;

        private BatchNorm(Variable x, Variable gamma, Variable beta, float[] xhat, float[] invStd, BatchStats stats, int n, int c, int hw) {
            super(x, gamma, beta);
            this.xhat = xhat;
            this.invStd = invStd;
            this.stats = stats;
            this.n = n;
            this.c = c;
            this.hw = hw;
        }

        static Variable apply(Variable x, Variable gamma, Variable beta, float[] runMean, float[] runVar,
                              float momentum, float eps, BatchStats stats) {
            if (x.rank() != 2 && x.rank() != 4) {
                throw new IllegalArgumentException("batchNorm: expected [N, C] or [N, C, H, W], found " + x);
            }
            int n = x.dim(0);
            int c = x.dim(1);
            int hw = x.size() / Math.max(1, n * c);
            if (gamma.size() != c || beta.size() != c || runMean.length != c || runVar.length != c) {
                throw new IllegalArgumentException("batchNorm: parameters need " + c + " channels");
            }
            float[] xv = x.value();
            float[] xhat = new float[xv.length];
            float[] y = new float[xv.length];
            float[] inv = new float[c];
            float[] g = gamma.value();
            float[] b = beta.value();
            int count = n * hw;
            for (int ch = 0; ch < c; ch++) {
                double mean;
                double var;
                if (stats == BatchStats.BATCH) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        int o = (i * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            s += xv[o + p];
                        }
                    }
                    mean = s / count;
                    double v = 0;
                    for (int i = 0; i < n; i++) {
                        int o = (i * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            double d = xv[o + p] - mean;
                            v += d * d;
                        }
                    }
                    var = v / count;
                    runMean[ch] = (float) ((1 - momentum) * runMean[ch] + momentum * mean);
                    runVar[ch] = (float) ((1 - momentum) * runVar[ch] + momentum * (count > 1 ? v / (count - 1) : var));
                } else {
                    mean = runMean[ch];
                    var = runVar[ch];
                }
                double is = 1 / Math.sqrt(var + eps);
                inv[ch] = (float) is;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * hw;
                    for (int p = 0; p < hw; p++) {
                        xhat[o + p] = (float) ((xv[o + p] - mean) * is);
                        y[o + p] = xhat[o + p] * g[ch] + b[ch];
                    }
                }
            }
            return new BatchNorm(x, gamma, beta, xhat, inv, stats, n, c, hw).output(y, x.shape());
        }

        @Override
        public String name() {
            return "batchNorm";
        }

        @Override
        protected void backward(Variable out) {
            float[] dy = out.grad();
            float[] gam = inputs()[1].value();
            float[] dx = gradOf(0);
            float[] dg = gradOf(1);
            float[] db = gradOf(2);
            int count = n * hw;
            for (int ch = 0; ch < c; ch++) {
                double sdy = 0;
                double sdyx = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * hw;
                    for (int p = 0; p < hw; p++) {
                        sdy += dy[o + p];
                        sdyx += dy[o + p] * xhat[o + p];
                    }
                }
                if (dg != null) {
                    dg[ch] += (float) sdyx;
                }
                if (db != null) {
                    db[ch] += (float) sdy;
                }
                if (dx == null) {
                    continue;
                }
                double k = gam[ch] * invStd[ch];
                double mdy = stats == BatchStats.BATCH ? sdy / count : 0;
                double mdyx = stats == BatchStats.BATCH ? sdyx / count : 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * c + ch) * hw;
                    for (int p = 0; p < hw; p++) {
                        dx[o + p] += (float) (k * (dy[o + p] - mdy - xhat[o + p] * mdyx));
                    }
                }
            }
        }
    }
}
