package dev.prune4j.eval;

import dev.prune4j.model.bert.SentenceEncoder;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Embedding fidelity: how closely a candidate encoder (for example a pruned one) reproduces a
 * reference encoder's sentence embeddings, as the cosine between the two embeddings of each
 * held-out sentence. 1.0 means identical directions; sentence-transformers models are used through
 * cosine similarity, so this is the quantity that matters to their users.
 */
public final class EmbeddingFidelity {
    private EmbeddingFidelity() {
    }

    /**
     * Cosine statistics over the sentences, with the protocol that produced them.
     *
     * @param sentences   number of sentences compared
     * @param meanCosine  mean of the per-sentence cosines
     * @param minCosine   the worst sentence
     * @param p05Cosine   5th percentile (lower tail)
     * @param protocol    what was compared, on which text: printed next to the numbers
     */
    public record Result(int sentences, double meanCosine, double minCosine, double p05Cosine,
                         Map<String, Object> protocol) {
        /** As a JSON-friendly map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sentences", sentences);
            m.put("meanCosine", meanCosine);
            m.put("minCosine", minCosine);
            m.put("p05Cosine", p05Cosine);
            m.put("protocol", protocol);
            return m;
        }
    }

    /** Embeds {@code sentences} with both encoders and compares them. */
    public static Result compare(SentenceEncoder candidate, SentenceEncoder reference, List<String> sentences,
                                 String textSource) {
        return compare(candidate, reference.embed(sentences), sentences, textSource + "; reference " + reference.name());
    }

    /** Compares the candidate's embeddings with precomputed reference embeddings (one per sentence). */
    public static Result compare(SentenceEncoder candidate, float[][] referenceEmbeddings, List<String> sentences,
                                 String textSource) {
        if (referenceEmbeddings.length != sentences.size() || sentences.isEmpty()) {
            throw new IllegalArgumentException(referenceEmbeddings.length + " reference embeddings for "
                    + sentences.size() + " sentences (need the same number, at least one)");
        }
        double[] cos = cosines(candidate.embed(sentences), referenceEmbeddings);
        Map<String, Object> protocol = new LinkedHashMap<>();
        protocol.put("metric", "cosine(candidate, reference) per sentence");
        protocol.put("candidate", candidate.name());
        protocol.put("text", textSource);
        protocol.put("pooling", candidate.pooling().name().toLowerCase(java.util.Locale.ROOT));
        protocol.put("maxLength", candidate.tokenizer().maxLength());
        return summarize(cos, protocol);
    }

    /** Per-row cosines of two equally shaped sets of vectors (computed in double). */
    public static double[] cosines(float[][] a, float[][] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(a.length + " vs " + b.length + " vectors");
        }
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i].length != b[i].length) {
                throw new IllegalArgumentException("vector " + i + ": dimension " + a[i].length + " vs " + b[i].length);
            }
            double ab = 0;
            double aa = 0;
            double bb = 0;
            for (int j = 0; j < a[i].length; j++) {
                ab += (double) a[i][j] * b[i][j];
                aa += (double) a[i][j] * a[i][j];
                bb += (double) b[i][j] * b[i][j];
            }
            out[i] = aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
        }
        return out;
    }

    /**
     * Share of rows whose nearest other row (highest cosine among the rest of the same set) is the
     * same in {@code candidate} as in {@code reference} — how well the similarity structure that a
     * search index sees survives. Both sets hold unit vectors; needs at least two rows.
     */
    public static double neighbourAgreement(float[][] candidate, float[][] reference) {
        if (candidate.length != reference.length || candidate.length < 2) {
            throw new IllegalArgumentException(candidate.length + " vs " + reference.length + " vectors (need the same, at least 2)");
        }
        int same = 0;
        for (int i = 0; i < candidate.length; i++) {
            same += nearest(candidate, i) == nearest(reference, i) ? 1 : 0;
        }
        return (double) same / candidate.length;
    }

    private static int nearest(float[][] v, int i) {
        int best = -1;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v.length; j++) {
            if (j == i) {
                continue;
            }
            double d = 0;
            for (int k = 0; k < v[i].length; k++) {
                d += (double) v[i][k] * v[j][k];
            }
            if (d > bestDot) {
                bestDot = d;
                best = j;
            }
        }
        return best;
    }

    /** Mean, minimum and 5th percentile of per-sentence cosines, with their protocol. */
    public static Result summarize(double[] cos, Map<String, Object> protocol) {
        double[] s = cos.clone();
        Arrays.sort(s);
        double mean = 0;
        for (double c : s) {
            mean += c;
        }
        mean /= s.length;
        int p05 = (int) Math.floor(0.05 * (s.length - 1));
        return new Result(s.length, mean, s[0], s[p05], protocol);
    }
}
