package dev.prune4j.prune;

import dev.prune4j.model.LlamaDecoder;

import java.util.List;

/** A LLaMA-family decoder seen as blocks of linear layers, calibrated on token windows. */
public final class DecoderBlocks implements BlockwiseModel {
    private final LlamaDecoder decoder;
    private final List<int[]> windows;

    /** The decoder with its calibration windows of token ids (may be empty for data-free methods). */
    public DecoderBlocks(LlamaDecoder decoder, List<int[]> windows) {
        this.decoder = decoder;
        this.windows = List.copyOf(windows);
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
    public int blocks() {
        return decoder.config().layers();
    }

    @Override
    public List<Linear> linears(int b) {
        return decoder.linearWeights(b).stream().map(w -> new Linear(w.name(), w.out(), w.in(), w.weight())).toList();
    }

    @Override
    public float[] embed(int s) {
        return decoder.embedTokens(windows.get(s));
    }

    @Override
    public int hiddenSize() {
        return decoder.config().hiddenSize();
    }

    @Override
    public void forwardBlock(int b, float[] hidden, int s, InputObserver observer) {
        decoder.forwardLayer(b, hidden, windows.get(s).length, observer::observe);
    }

    @Override
    public void observeBlock(int b, float[] hidden, int s, InputObserver observer) {
        decoder.observeLayer(b, hidden, windows.get(s).length, observer::observe);
    }
}
