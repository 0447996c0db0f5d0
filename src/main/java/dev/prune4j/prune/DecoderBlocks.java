package dev.prune4j.prune;

import dev.prune4j.model.LlamaDecoder;

import java.util.List;

/** A LLaMA-family decoder seen as blocks of linear layers, for sequential calibration. */
public final class DecoderBlocks implements BlockwiseModel {
    private final LlamaDecoder decoder;

    public DecoderBlocks(LlamaDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public int blocks() {
        return decoder.config().layers();
    }

    @Override
    public List<Linear> linears(int b) {
        return decoder.linearWeights(b).stream().map(w -> new Linear(w.name(), w.out(), w.in(), w.weight())).toList();
    }

    @Override
    public float[] embed(int[] tokens) {
        return decoder.embedTokens(tokens);
    }

    @Override
    public int hiddenSize() {
        return decoder.config().hiddenSize();
    }

    @Override
    public void forwardBlock(int b, float[] hidden, int tokens, InputObserver observer) {
        decoder.forwardLayer(b, hidden, tokens, observer::observe);
    }
}
