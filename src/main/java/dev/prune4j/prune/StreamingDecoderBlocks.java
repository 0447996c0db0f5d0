package dev.prune4j.prune;

import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.Model;
import dev.prune4j.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * A LLaMA-family decoder seen as blocks for pruning one block at a time, for models whose float32
 * weights do not fit in memory: {@link #beginBlock} materialises block b in float32 from the
 * stored (memory-mapped, any dtype) tensors and lets the kernel drop those mapped pages again;
 * {@link #endBlock} hands the pruned float32 linears to a {@link BlockSink} and drops the block.
 * Calibration is the same as {@link DecoderBlocks}'s, so results are identical.
 */
public final class StreamingDecoderBlocks implements BlockwiseModel {

    /** Receives a pruned block: its linear layers with their float32 weights. */
    @FunctionalInterface
    public interface BlockSink {
        void accept(int block, List<Linear> linears);
    }

    private final Model model;
    private final LlamaDecoder decoder;
    private final List<int[]> windows;
    private final BlockSink sink;
    private long loadNanos;
    private long sinkNanos;

    /** Blocks of {@code model} (weights stay where they are stored) calibrated on {@code windows}. */
    public StreamingDecoderBlocks(Model model, List<int[]> windows, BlockSink sink) {
        this.model = model;
        this.decoder = LlamaDecoder.streamed(model);
        this.windows = List.copyOf(windows);
        this.sink = sink;
    }

    @Override
    public int blocks() {
        return decoder.config().layers();
    }

    @Override
    public List<String> linearNames(int b) {
        return LlamaDecoder.linearNames(b);
    }

    @Override
    public List<Linear> linears(int b) {
        return decoder.linearWeights(b).stream().map(w -> new Linear(w.name(), w.out(), w.in(), w.weight())).toList();
    }

    @Override
    public void beginBlock(int b) {
        long t0 = System.nanoTime();
        decoder.loadLayer(b);
        // the float32 copy is on the heap now: let the kernel reclaim the block's mapped pages
        String prefix = "model.layers." + b + ".";
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                MemorySegment seg = e.getValue().segment();
                if (seg != null && seg.isMapped()) {
                    seg.unload();
                }
            }
        }
        loadNanos += System.nanoTime() - t0;
    }

    @Override
    public void endBlock(int b) {
        long t0 = System.nanoTime();
        sink.accept(b, linears(b));
        decoder.unloadLayer(b);
        sinkNanos += System.nanoTime() - t0;
    }

    @Override
    public boolean streamsBlocks() {
        return true;
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

    /** Seconds spent materialising blocks in float32. */
    public double loadSeconds() {
        return loadNanos / 1e9;
    }

    /** Seconds spent in the sink (writing pruned blocks). */
    public double sinkSeconds() {
        return sinkNanos / 1e9;
    }
}
