package dev.prune4j.prune;

import dev.prune4j.model.bert.BertEncoder;
import dev.prune4j.model.bert.BertWeights;
import dev.prune4j.model.bert.TokenBatch;

import java.util.ArrayList;
import java.util.List;

/** A BERT-family encoder seen as blocks of linear layers, calibrated on batches of sentences. */
public final class EncoderBlocks implements BlockwiseModel {
    private final BertEncoder encoder;
    private final List<TokenBatch> batches;

    /** The encoder with its calibration batches (token ids of whole sentences). */
    public EncoderBlocks(BertEncoder encoder, List<TokenBatch> batches) {
        this.encoder = encoder;
        this.batches = List.copyOf(batches);
    }

    @Override
    public int blocks() {
        return encoder.config().numLayers();
    }

    @Override
    public List<Linear> linears(int b) {
        BertWeights.Block w = encoder.weights().blocks().get(b);
        String p = "encoder.layer." + b + ".";
        List<Linear> out = new ArrayList<>();
        add(out, p + "attention.self.query.weight", w.query());
        add(out, p + "attention.self.key.weight", w.key());
        add(out, p + "attention.self.value.weight", w.value());
        add(out, p + "attention.output.dense.weight", w.attentionOutput());
        add(out, p + "intermediate.dense.weight", w.intermediate());
        add(out, p + "output.dense.weight", w.output());
        return out;
    }

    private static void add(List<Linear> out, String name, dev.prune4j.model.bert.Linear l) {
        out.add(new Linear(name, l.out(), l.in(), l.weight()));
    }

    @Override
    public int samples() {
        return batches.size();
    }

    @Override
    public int tokens(int s) {
        return batches.get(s).tokens();
    }

    @Override
    public float[] embed(int s) {
        return encoder.embed(batches.get(s));
    }

    @Override
    public int hiddenSize() {
        return encoder.config().hiddenSize();
    }

    @Override
    public void forwardBlock(int b, float[] hidden, int s, InputObserver observer) {
        encoder.forwardLayer(b, hidden, batches.get(s), observer::observe);
    }
}
