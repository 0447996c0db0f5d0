package dev.prune4j.prune.train;

/** The norm that scores a group (a neuron's or channel's weights with its bias). */
public enum GroupNorm {
    L1, L2;

    double of(double sumAbs, double sumSq) {
        return this == L1 ? sumAbs : Math.sqrt(sumSq);
    }
}
