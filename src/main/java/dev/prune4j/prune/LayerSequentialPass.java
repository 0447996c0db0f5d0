package dev.prune4j.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * One forward pass of a block over every calibration sample in which each linear layer is pruned
 * as soon as its input has been seen for all samples, so that the layers after it see the
 * outputs of the pruned layer ("true sequential" in the GPTQ reference code, Frantar et al.,
 * "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR 2023;
 * SparseGPT, Frantar &amp; Alistarh, ICML 2023, prunes "layer-wise sequentially" in the same sense).
 *
 * <p>The reference code gets this by running the block's forward once per group of linears that
 * share an input, plus once more for the outputs. Here every sample's forward runs once: each runs
 * on its own virtual thread and is paused at every linear input that a wanted layer consumes,
 * until the coordinator (the calling thread) has seen that input for every sample and pruned the
 * layers; then the samples continue with the pruned weights. The models need no change: the
 * pause happens inside the {@link BlockwiseModel.InputObserver} callback.
 *
 * <p>Only one sample runs at a time, always in sample order, so the kernels get all cores, the
 * statistics accumulate in the same order as in the block-sequential path, and the result is
 * deterministic. The price is memory: every sample's paused forward keeps its work buffers until
 * the block ends (for a 7B layer and 512 tokens ≈ 0.1 GB per sample).
 */
final class LayerSequentialPass {
    /** Sees a sample's forward on that sample's thread: its start, every linear input, every resumption after a pause, its end. */
    interface Sink {
        void start(int sample);

        void observe(int sample, List<String> names, float[] x, int tokens, int in);

        void resumed(int sample);

        void end(int sample);
    }

    /** Prunes the wanted layers that consume one input, once every sample has shown it. */
    interface GroupPruner {
        void prune(List<String> names);
    }

    private LayerSequentialPass() {
    }

    /**
     * Runs block {@code b} in place on every sample's hidden state. {@code wanted} says which
     * linear inputs to stop at (those consumed by a layer to prune); {@code sink} sees every input
     * the model reports, {@code pruner} is called once per wanted input, in forward order.
     */
    static void run(BlockwiseModel model, int b, List<float[]> hidden, Predicate<List<String>> wanted, Sink sink,
                    GroupPruner pruner) {
        int n = hidden.size();
        Semaphore[] go = new Semaphore[n];
        Semaphore parked = new Semaphore(0);
        Object[] at = new Object[n];        // the names a sample is paused at; null once it has finished
        boolean[] finished = new boolean[n];
        Throwable[] error = new Throwable[1];
        boolean[] abort = new boolean[1];
        Thread[] threads = new Thread[n];
        for (int s = 0; s < n; s++) {
            go[s] = new Semaphore(0);
            int sample = s;
            threads[s] = Thread.ofVirtual().name("prune4j-calibration-" + s).unstarted(() -> {
                try {
                    go[sample].acquireUninterruptibly();
                    if (!abort[0]) {
                        sink.start(sample);
                        model.forwardBlock(b, hidden.get(sample), sample, (names, x, t, in) -> {
                            sink.observe(sample, names, x, t, in);
                            if (wanted.test(names)) {
                                at[sample] = names;
                                parked.release();
                                go[sample].acquireUninterruptibly();
                                if (abort[0]) {
                                    throw new Aborted();
                                }
                                sink.resumed(sample);
                            }
                        });
                        sink.end(sample);
                    }
                } catch (Aborted e) {
                    // another sample failed; unwind quietly
                } catch (Throwable e) {
                    error[0] = e;
                } finally {
                    at[sample] = null;
                    finished[sample] = true;
                    parked.release();
                }
            });
        }
        for (Thread t : threads) {
            t.start();
        }
        try {
            while (true) {
                List<String> group = null;
                int running = 0;
                int ended = -1;
                for (int s = 0; s < n; s++) {
                    if (finished[s]) {
                        continue;
                    }
                    go[s].release();
                    parked.acquireUninterruptibly();
                    if (error[0] != null) {
                        throw error[0];
                    }
                    if (finished[s]) {
                        ended = ended < 0 ? s : ended;
                        continue;
                    }
                    running++;
                    @SuppressWarnings("unchecked")
                    List<String> names = (List<String>) at[s];
                    if (group == null) {
                        group = names;
                    } else if (!group.equals(names)) {
                        throw new IllegalStateException("block " + b + ": sample " + s + " stopped at the input of " + names
                                + " where the samples before it stopped at " + group);
                    }
                }
                if (running == 0) {
                    return;
                }
                if (ended >= 0) {
                    throw new IllegalStateException("block " + b + ": sample " + ended + " finished the block where the other samples stopped at the input of "
                            + group);
                }
                pruner.prune(new ArrayList<>(group));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            abort[0] = true;
            for (int s = 0; s < n; s++) {
                go[s].release();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
    }

    /** Unwinds a paused sample when the pass is abandoned. */
    private static final class Aborted extends RuntimeException {
        Aborted() {
            super(null, null, false, false);
        }
    }
}
