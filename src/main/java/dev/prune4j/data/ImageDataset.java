package dev.prune4j.data;

/**
 * Images and labels in memory. images: [n, channels, height, width] as floats (row-major),
 * labels in [0, classes).
 */
public record ImageDataset(String name, float[] images, int[] labels, int channels, int height, int width, int classes) {
    public ImageDataset {
        long per = (long) channels * height * width;
        if (channels < 1 || height < 1 || width < 1 || classes < 1) {
            throw new IllegalArgumentException(name + ": dimensions and class count must be ≥ 1");
        }
        if ((long) labels.length * per != images.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels need " + labels.length * per
                    + " pixel values, found " + images.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of sample " + i + " is outside [0, " + classes + ")");
            }
        }
    }

    public int size() {
        return labels.length;
    }

    /** Values per sample (channels·height·width). */
    public int features() {
        return channels * height * width;
    }

    /** The first {@code n} samples (copied). */
    public ImageDataset head(int n) {
        int k = Math.min(n, size());
        return new ImageDataset(name + "[:" + k + "]", java.util.Arrays.copyOf(images, k * features()),
                java.util.Arrays.copyOf(labels, k), channels, height, width, classes);
    }

    /** Copies samples {@code idx[from..to)} into x ([to−from, features]) and y. */
    public void gather(int[] idx, int from, int to, float[] x, int[] y) {
        int f = features();
        for (int i = from; i < to; i++) {
            System.arraycopy(images, idx[i] * f, x, (i - from) * f, f);
            y[i - from] = labels[idx[i]];
        }
    }
}
