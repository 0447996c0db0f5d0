package dev.prune4j.model;

/**
 * Keys and values of every position seen so far, per layer, so that each new token attends to
 * the past without recomputing it. Layout per layer: [capacity, kv_heads × head_dim], row-major.
 */
public final class KvCache {
    final float[][] keys;   // [layers][capacity * kvDim]
    final float[][] values; // [layers][capacity * kvDim]
    private final int capacity;
    private int length;

    KvCache(int layers, int capacity, int kvDim) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, found " + capacity);
        }
        this.capacity = capacity;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }

    /** A cache holding only layer {@code layer}'s keys and values (for running that layer alone). */
    static KvCache forLayer(int layers, int layer, int capacity, int kvDim) {
        KvCache c = new KvCache(capacity, layers);
        c.keys[layer] = new float[Math.multiplyExact(capacity, kvDim)];
        c.values[layer] = new float[Math.multiplyExact(capacity, kvDim)];
        return c;
    }

    private KvCache(int capacity, int layers) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("KV cache capacity must be positive, found " + capacity);
        }
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
    }

    /** Positions held. */
    public int length() {
        return length;
    }

    /** Positions it can hold. */
    public int capacity() {
        return capacity;
    }

    /** Forgets every position (keeps the memory). */
    public void clear() {
        length = 0;
    }

    void advance(int n) {
        length += n;
    }
}
