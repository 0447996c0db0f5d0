package dev.prune4j.model.bert;

import dev.prune4j.model.Model;
import dev.prune4j.text.BertTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Text → unit-length sentence embeddings: tokenizer, {@link BertEncoder}, {@link Pooling}, then
 * L2 normalisation ({@code x / max(‖x‖, 1e-12)}, as sentence-transformers' Normalize module).
 * Texts are embedded in batches of {@link #batchSize()} packed sequences.
 */
public final class SentenceEncoder implements AutoCloseable {
    private final BertEncoder encoder;
    private final BertTokenizer tokenizer;
    private final Pooling pooling;
    private final String name;
    private final int batchSize;
    private final boolean ownsTokenizer;

    public SentenceEncoder(BertEncoder encoder, BertTokenizer tokenizer, Pooling pooling, String name, int batchSize) {
        this(encoder, tokenizer, pooling, name, batchSize, true);
    }

    private SentenceEncoder(BertEncoder encoder, BertTokenizer tokenizer, Pooling pooling, String name, int batchSize,
                            boolean ownsTokenizer) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, found " + batchSize);
        }
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.name = name;
        this.batchSize = batchSize;
        this.ownsTokenizer = ownsTokenizer;
    }

    /** An encoder over a loaded BERT {@link Model}. */
    public static SentenceEncoder of(Model model, BertTokenizer tokenizer, Pooling pooling, String name) {
        BertConfig c = (BertConfig) model.architecture();
        return new SentenceEncoder(new BertEncoder(c, BertWeights.from(model.parameters(), c, model.source())),
                tokenizer, pooling, name, 32);
    }

    /** The same encoder with another batch size (sharing the tokenizer, which this one keeps owning). */
    public SentenceEncoder withBatchSize(int n) {
        return new SentenceEncoder(encoder, tokenizer, pooling, name, n, false);
    }

    /**
     * An encoder with other weights of the same architecture (a pruned copy of the model), sharing
     * this one's tokenizer and pooling; closing it leaves the tokenizer to this encoder.
     */
    public SentenceEncoder withModel(Model model, String newName) {
        BertConfig c = (BertConfig) model.architecture();
        return new SentenceEncoder(new BertEncoder(c, BertWeights.from(model.parameters(), c, model.source())),
                tokenizer, pooling, newName, batchSize, false);
    }

    /**
     * The same weights run under another {@link dev.prune4j.model.LinearRuntime} (operators planned
     * now), sharing this one's tokenizer and pooling; closing it leaves the tokenizer to this encoder.
     */
    public SentenceEncoder withRuntime(dev.prune4j.model.LinearRuntime runtime) {
        BertEncoder e = new BertEncoder(encoder.config(), encoder.weights(), dev.prune4j.kernels.Kernels.get(), runtime);
        return new SentenceEncoder(e, tokenizer, pooling, name, batchSize, false);
    }

    /** The encoder's weights as a {@link Model} (sharing the arrays). */
    public Model model() {
        BertConfig c = encoder.config();
        return new Model(c, encoder.weights().toTensors(c), name);
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public BertTokenizer tokenizer() {
        return tokenizer;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** What was loaded (built-in name, file or directory). */
    public String name() {
        return name;
    }

    public int batchSize() {
        return batchSize;
    }

    public int dimension() {
        return encoder.config().hiddenSize();
    }

    /** One unit vector per text. */
    public float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int from = 0; from < texts.size(); from += batchSize) {
            int to = Math.min(texts.size(), from + batchSize);
            float[][] part = embedTokens(tokenizer.encode(texts.subList(from, to)));
            System.arraycopy(part, 0, out, from, part.length);
        }
        return out;
    }

    /** One unit vector per token sequence (already tokenized, [CLS] … [SEP]), all in one batch. */
    public float[][] embedTokens(List<int[]> ids) {
        TokenBatch batch = TokenBatch.of(ids);
        float[] x = encoder.forward(batch); // x: [tokens, hidden]
        return pool(x, batch, pooling, dimension());
    }

    /** Pools each sequence's rows of x: [tokens, hidden] and L2-normalises the result. */
    static float[][] pool(float[] x, TokenBatch batch, Pooling pooling, int h) {
        List<float[]> out = new ArrayList<>(batch.size());
        int start = 0;
        for (int s = 0; s < batch.size(); s++) {
            int n = batch.length(s);
            double[] acc = new double[h];
            int rows = pooling == Pooling.CLS ? 1 : n;
            for (int t = 0; t < rows; t++) {
                for (int j = 0; j < h; j++) {
                    acc[j] += x[(start + t) * h + j];
                }
            }
            double norm2 = 0;
            for (int j = 0; j < h; j++) {
                acc[j] /= rows;
                norm2 += acc[j] * acc[j];
            }
            double inv = 1.0 / Math.max(Math.sqrt(norm2), 1e-12);
            float[] e = new float[h];
            for (int j = 0; j < h; j++) {
                e[j] = (float) (acc[j] * inv);
            }
            out.add(e);
            start += n;
        }
        return out.toArray(new float[0][]);
    }

    @Override
    public void close() {
        if (ownsTokenizer) {
            tokenizer.close();
        }
    }
}
