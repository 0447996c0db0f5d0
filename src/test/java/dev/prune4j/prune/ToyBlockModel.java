package dev.prune4j.prune;

import dev.prune4j.tensor.Rng;

import java.util.List;

/**
 * A small residual MLP stack for pipeline tests: block b computes h += W2·relu(W1·h) per token,
 * with W1 [4d, d] and W2 [d, 4d]; written plainly (no kernels) so it is an independent forward.
 */
class ToyBlockModel implements BlockwiseModel {
    final int d;
    final int blocks;
    final float[][] w1;
    final float[][] w2;
    final float[] table; // [vocab, d]

    final java.util.List<int[]> windows;

    ToyBlockModel(int d, int blocks, long seed, java.util.List<int[]> windows) {
        this.windows = windows;
        this.d = d;
        this.blocks = blocks;
        Rng r = new Rng(seed);
        w1 = new float[blocks][4 * d * d];
        w2 = new float[blocks][4 * d * d];
        for (int b = 0; b < blocks; b++) {
            r.fillGaussian(w1[b], 0, 0.3f);
            r.fillGaussian(w2[b], 0, 0.3f);
        }
        table = new float[32 * d];
        r.fillGaussian(table, 0, 1);
        for (int j = 0; j < d; j += 3) {
            for (int v = 0; v < 32; v++) {
                table[v * d + j] *= 6; // outlier features
            }
        }
    }

    @Override
    public int blocks() {
        return blocks;
    }

    @Override
    public List<Linear> linears(int b) {
        return List.of(new Linear("blocks." + b + ".w1", 4 * d, d, w1[b]), new Linear("blocks." + b + ".w2", d, 4 * d, w2[b]));
    }

    @Override
    public int samples() {
        return windows.size();
    }

    @Override
    public int tokens(int s) {
        return windows.get(s).length;
    }

    @Override
    public float[] embed(int s) {
        return embedTokens(windows.get(s));
    }

    float[] embedTokens(int[] tokens) {
        float[] h = new float[tokens.length * d];
        for (int t = 0; t < tokens.length; t++) {
            System.arraycopy(table, tokens[t] * d, h, t * d, d);
        }
        return h;
    }

    @Override
    public int hiddenSize() {
        return d;
    }

    @Override
    public void forwardBlock(int b, float[] hidden, int sample, InputObserver observer) {
        int tokens = windows.get(sample).length;
        int f = 4 * d;
        observer.observe(List.of("blocks." + b + ".w1"), hidden, tokens, d);
        float[] a = new float[tokens * f];
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < f; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += w1[b][i * d + j] * hidden[t * d + j];
                }
                a[t * f + i] = (float) Math.max(0, s);
            }
        }
        observer.observe(List.of("blocks." + b + ".w2"), a, tokens, f);
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < d; i++) {
                double s = 0;
                for (int j = 0; j < f; j++) {
                    s += w2[b][i * f + j] * a[t * f + j];
                }
                hidden[t * d + i] += (float) s;
            }
        }
    }
}
