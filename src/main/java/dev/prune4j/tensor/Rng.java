package dev.prune4j.tensor;

import java.util.SplittableRandom;

/**
 * The one seeded random-number source of prune4j. Every random choice (initialisation,
 * shuffling, random masks, sampling, calibration windows) goes through an {@code Rng} made from
 * an explicit seed, so the same inputs and seed give the same bytes. Based on
 * {@link SplittableRandom}, whose output sequence is specified and stable across JDK versions.
 */
public final class Rng {
    private final SplittableRandom random;
    private final long seed;

    public Rng(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    private Rng(long seed, SplittableRandom random) {
        this.seed = seed;
        this.random = random;
    }

    /** The seed this generator was made from. */
    public long seed() {
        return seed;
    }

    /** An independent child stream; deterministic given the parent's state. */
    public Rng split() {
        SplittableRandom child = random.split();
        return new Rng(seed, child);
    }

    /** A stream derived from this seed and a stable name, independent of call order elsewhere. */
    public static Rng derived(long seed, String name) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001B3L;
        }
        return new Rng(h ^ (h >>> 31));
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in [0, 1) as float. */
    public float nextFloat() {
        return (float) random.nextDouble();
    }

    /** Standard normal via Box-Muller (one value per call, deterministic). */
    public double nextGaussian() {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Fills {@code a} with uniform values in [lo, hi). */
    public void fillUniform(float[] a, float lo, float hi) {
        for (int i = 0; i < a.length; i++) {
            a[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
    }

    /** Fills {@code a} with normal values of the given mean and standard deviation. */
    public void fillGaussian(float[] a, float mean, float std) {
        for (int i = 0; i < a.length; i++) {
            a[i] = mean + std * (float) nextGaussian();
        }
    }

    /** Fisher-Yates shuffle of {@code a} in place. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** A random permutation of 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p);
        return p;
    }
}
