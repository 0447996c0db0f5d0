package dev.prune4j.prune;

import dev.prune4j.bench.PruneScaleBench;
import dev.prune4j.core.BadInputException;
import dev.prune4j.model.LlamaDecoder;
import dev.prune4j.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer-sequential calibration ({@link OneShotPruner.Sequential#LAYER}, one paused forward per
 * sample) gives exactly what the slow, obvious procedure gives: for each group of linears that
 * share an input, in forward order, run the block from its input over every sample with the
 * layers pruned so far, collect that input's statistics, prune the group; then run the block once
 * more for the next block's input.
 */
class LayerSequentialTest {
    @TempDir
    Path tmp;

    private static DecoderBlocks decoder(Path dir, List<int[]> windows) {
        return new DecoderBlocks(new LlamaDecoder(ModelLoader.load(dir)), windows);
    }

    /** The obvious procedure, on any blockwise model (re-runs the block once per group). */
    static void byHand(BlockwiseModel m, LayerPruner pruner, Sparsity sparsity) {
        List<float[]> hidden = new ArrayList<>();
        for (int s = 0; s < m.samples(); s++) {
            hidden.add(m.embed(s));
        }
        for (int b = 0; b < m.blocks(); b++) {
            Map<String, BlockwiseModel.Linear> byName = new HashMap<>();
            m.linears(b).forEach(l -> byName.put(l.name(), l));
            List<List<String>> groups = new ArrayList<>();
            m.forwardBlock(b, hidden.get(0).clone(), 0, (names, x, t, in) -> groups.add(List.copyOf(names)));
            for (List<String> group : groups) {
                LayerStats[] st = {null};
                for (int s = 0; s < m.samples(); s++) {
                    m.forwardBlock(b, hidden.get(s).clone(), s, (names, x, t, in) -> {
                        if (names.equals(group)) {
                            if (st[0] == null) {
                                st[0] = new LayerStats(in, true);
                            }
                            st[0].accumulate(x, t);
                        }
                    });
                }
                st[0].finish();
                for (String name : group) {
                    BlockwiseModel.Linear l = byName.get(name);
                    pruner.prune(l.weight(), l.out(), l.in(), st[0], sparsity);
                }
            }
            for (int s = 0; s < m.samples(); s++) {
                m.forwardBlock(b, hidden.get(s), s, BlockwiseModel.InputObserver.NONE);
            }
        }
    }

    private static OneShotPruner.Plan plan(LayerPruner p, OneShotPruner.Sequential seq) {
        return new OneShotPruner.Plan(p, new Sparsity.Fraction(0.5), new Allocation.Uniform(), List.of(), Map.of(), seq);
    }

    @Test
    void decoderWeightsEqualTheGroupByGroupProcedureForSparseGptAndWanda() {
        Path dir = tmp.resolve("model");
        PruneScaleBench.writeModel(dir, PruneScaleBench.Size.TINY, 2, 5);
        List<int[]> calib = StreamingPrunerTest.windows(256, 3, 24, 9);
        for (LayerPruner p : List.of(new SparseGpt(), new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW))) {
            DecoderBlocks ours = decoder(dir, calib);
            DecoderBlocks want = decoder(dir, calib);
            List<OneShotPruner.LayerResult> results = OneShotPruner.run(ours, plan(p, OneShotPruner.Sequential.LAYER), Progress.NONE);
            byHand(want, p, new Sparsity.Fraction(0.5));
            assertEquals(14, results.size(), p.name());
            for (int b = 0; b < 2; b++) {
                List<BlockwiseModel.Linear> got = ours.linears(b);
                List<BlockwiseModel.Linear> exp = want.linears(b);
                for (int i = 0; i < got.size(); i++) {
                    assertArrayEquals(exp.get(i).weight(), got.get(i).weight(), p.name() + " " + got.get(i).name());
                }
            }
            // forward order: q, k, v, o, gate, up, down of block 0, then block 1
            assertEquals("model.layers.0.self_attn.o_proj.weight", results.get(3).name());
            results.forEach(r -> assertEquals(0.5, r.achieved(), 1e-12, r.name()));
        }
    }

    @Test
    void layerOrderChangesOnlyTheLayersAfterTheFirstGroup() {
        Path dir = tmp.resolve("model");
        PruneScaleBench.writeModel(dir, PruneScaleBench.Size.TINY, 1, 7);
        List<int[]> calib = StreamingPrunerTest.windows(256, 2, 16, 3);
        DecoderBlocks layer = decoder(dir, calib);
        DecoderBlocks block = decoder(dir, calib);
        OneShotPruner.run(layer, plan(new SparseGpt(), OneShotPruner.Sequential.LAYER), Progress.NONE);
        OneShotPruner.run(block, plan(new SparseGpt(), OneShotPruner.Sequential.BLOCK), Progress.NONE);
        // q/k/v see the block input in both orders; o_proj sees pruned q/k/v only in layer order
        assertArrayEquals(block.linears(0).get(0).weight(), layer.linears(0).get(0).weight(), "q_proj");
        assertArrayEquals(block.linears(0).get(2).weight(), layer.linears(0).get(2).weight(), "v_proj");
        assertFalse(java.util.Arrays.equals(block.linears(0).get(3).weight(), layer.linears(0).get(3).weight()),
                "o_proj must differ between the two orders");
    }

    @Test
    void toyModelMatchesAndRunsEachBlockOnce() {
        List<int[]> windows = OneShotPrunerTest.windows();
        ToyBlockModel ours = new ToyBlockModel(8, 3, 1, windows);
        ToyBlockModel want = new ToyBlockModel(8, 3, 1, windows);
        PhaseTimes times = new PhaseTimes();
        OneShotPruner.run(ours, plan(new SparseGpt(), OneShotPruner.Sequential.LAYER), Progress.NONE, times);
        byHand(want, new SparseGpt(), new Sparsity.Fraction(0.5));
        for (int b = 0; b < 3; b++) {
            assertArrayEquals(want.w1[b], ours.w1[b], "w1 of block " + b);
            assertArrayEquals(want.w2[b], ours.w2[b], "w2 of block " + b);
        }
        assertEquals(0, times.count(OneShotPruner.PRUNED_FORWARD_BLOCKS, 0), "no second forward per block");
    }

    /** A toy model that fails, or reports different inputs, for one sample. */
    private static final class Faulty extends ToyBlockModel {
        final int badSample;
        final boolean throwIt;
        final RuntimeException failure = new IllegalStateException("sample blew up");

        Faulty(int badSample, boolean throwIt) {
            super(8, 2, 1, OneShotPrunerTest.windows());
            this.badSample = badSample;
            this.throwIt = throwIt;
        }

        @Override
        public void forwardBlock(int b, float[] hidden, int sample, InputObserver observer) {
            if (sample != badSample) {
                super.forwardBlock(b, hidden, sample, observer);
            } else if (throwIt) {
                super.forwardBlock(b, hidden, sample, (names, x, t, in) -> {
                    observer.observe(names, x, t, in);
                    throw failure;
                });
            } else {
                super.forwardBlock(b, hidden, sample, (names, x, t, in) -> observer.observe(List.of("not." + names.get(0)), x, t, in));
            }
        }
    }

    @Test
    void aFailingSampleFailsTheRunWithoutHanging() {
        Faulty m = new Faulty(1, true);
        RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(RuntimeException.class,
                () -> OneShotPruner.run(m, plan(new SparseGpt(), OneShotPruner.Sequential.LAYER), Progress.NONE)));
        assertSame(m.failure, e);
    }

    @Test
    void samplesThatDisagreeOnTheInputsAreAnError() {
        Faulty m = new Faulty(2, false);
        IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IllegalStateException.class,
                () -> OneShotPruner.run(m, plan(new LayerPruner.ScoreAndSelect(new Wanda(), Granularity.ROW),
                        OneShotPruner.Sequential.LAYER), Progress.NONE)));
        assertTrue(e.getMessage().contains("sample 2"), e.getMessage());
    }

    @Test
    void recipeFieldParsesDefaultsToBlockAndRejectsOtherValues() throws Exception {
        Path yaml = Files.writeString(tmp.resolve("r.yaml"), "method: sparsegpt\nsparsity: 0.5\nsequential: layer\n");
        assertEquals(OneShotPruner.Sequential.LAYER, Recipe.read(yaml).toPlan().sequential());
        Recipe plain = new Recipe("wanda", "0.5", null, null, null, null, null, null, null, null, null, null, null);
        assertEquals("block", plain.withDefaults().sequential());
        assertEquals(OneShotPruner.Sequential.BLOCK, plain.toPlan().sequential());
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "method: sparsegpt\nsparsity: 0.5\nsequential: sublayer\n");
        BadInputException e = assertThrows(BadInputException.class, () -> Recipe.read(bad).toPlan());
        assertTrue(e.getMessage().contains("sequential") && e.getMessage().contains("sublayer"), e.getMessage());
    }
}
