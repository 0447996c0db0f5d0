package dev.prune4j.model.bert;

import java.util.List;

/**
 * Token sequences of different lengths packed back to back, with no padding: sequence {@code s}
 * occupies rows [{@code start(s)}, {@code start(s) + length(s)}) of the hidden-state matrix.
 * Attention only ever looks inside one sequence, which is exactly what an attention mask over a
 * padded batch computes, without spending work on the padding.
 *
 * @param ids     token ids per sequence
 * @param typeIds token type (segment) ids per sequence, same lengths as ids
 */
public record TokenBatch(List<int[]> ids, List<int[]> typeIds) {
    public TokenBatch {
        if (ids.size() != typeIds.size()) {
            throw new IllegalArgumentException(ids.size() + " id sequences but " + typeIds.size() + " type sequences");
        }
        for (int s = 0; s < ids.size(); s++) {
            if (ids.get(s).length == 0 || ids.get(s).length != typeIds.get(s).length) {
                throw new IllegalArgumentException("sequence " + s + ": " + ids.get(s).length + " ids and "
                        + typeIds.get(s).length + " type ids (need the same, at least 1)");
            }
        }
        ids = List.copyOf(ids);
        typeIds = List.copyOf(typeIds);
    }

    /** Single-segment sequences (all type ids 0). */
    public static TokenBatch of(List<int[]> ids) {
        return new TokenBatch(ids, ids.stream().map(a -> new int[a.length]).toList());
    }

    public int size() {
        return ids.size();
    }

    public int length(int s) {
        return ids.get(s).length;
    }

    /** Total tokens over all sequences. */
    public int tokens() {
        int t = 0;
        for (int[] a : ids) {
            t += a.length;
        }
        return t;
    }

    /** First row of sequence {@code s}. */
    public int start(int s) {
        int t = 0;
        for (int i = 0; i < s; i++) {
            t += ids.get(i).length;
        }
        return t;
    }
}
