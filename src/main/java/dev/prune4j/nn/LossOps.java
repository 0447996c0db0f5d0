package dev.prune4j.nn;

/** The fused softmax cross-entropy (its gradient is simpler and stabler than the composition). */
final class LossOps {
    private LossOps() {
    }

    /**
     * Mean cross-entropy of logits [B, C] against integer labels: L = −(1/B) Σ_b log softmax(z_b)[y_b].
     * dz = (softmax(z) − onehot(y))/B.
     */
    static final class CrossEntropy extends Op {
        private final float[] probs;
        private final int[] labels;

        private CrossEntropy(Variable logits, float[] probs, int[] labels) {
            super(logits);
            this.probs = probs;
            this.labels = labels;
        }

        static Variable apply(Variable logits, int[] labels) {
            Shapes.rank("crossEntropy", logits, 2);
            int b = logits.dim(0);
            int c = logits.dim(1);
            if (labels.length != b) {
                throw new IllegalArgumentException("crossEntropy: " + b + " rows of logits but " + labels.length + " labels");
            }
            float[] z = logits.value();
            float[] p = new float[z.length];
            double loss = 0;
            for (int r = 0; r < b; r++) {
                int y = labels[r];
                if (y < 0 || y >= c) {
                    throw new IllegalArgumentException("crossEntropy: label " + y + " at row " + r + " is outside [0, " + c + ")");
                }
                int o = r * c;
                double lse = NormOps.LogSoftmax.logSumExp(z, o, c);
                for (int j = 0; j < c; j++) {
                    p[o + j] = (float) Math.exp(z[o + j] - lse);
                }
                loss += lse - z[o + y];
            }
            return new CrossEntropy(logits, p, labels.clone()).output(new float[] {(float) (loss / b)}, 1);
        }

        @Override
        public String name() {
            return "crossEntropy";
        }

        @Override
        protected void backward(Variable out) {
            float[] dz = gradOf(0);
            int b = labels.length;
            int c = probs.length / Math.max(1, b);
            float g = out.grad()[0] / b;
            for (int r = 0; r < b; r++) {
                int o = r * c;
                for (int j = 0; j < c; j++) {
                    dz[o + j] += g * (probs[o + j] - (j == labels[r] ? 1f : 0f));
                }
            }
        }
    }
}
