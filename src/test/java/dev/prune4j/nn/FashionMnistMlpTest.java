package dev.prune4j.nn;

import dev.prune4j.data.FashionMnist;
import dev.prune4j.data.ImageDataset;
import dev.prune4j.tensor.Rng;
import dev.prune4j.testkit.FashionMnistData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end-to-end target: 784-300-100-10 reaches ≥ 0.85 test accuracy in 3 epochs. */
class FashionMnistMlpTest {
    @Test
    void mlpReaches85PercentIn3Epochs() {
        ImageDataset train = FashionMnistData.require(FashionMnist.Split.TRAIN);
        ImageDataset test = FashionMnistData.require(FashionMnist.Split.TEST);
        Rng rng = new Rng(42);
        Sequential model = Models.mlp(rng, Activation.RELU, 784, 300, 100, 10);
        Optimizer opt = new Adam(model.parameters(), Adam.Options.defaults());
        long t0 = System.nanoTime();
        for (int e = 0; e < 3; e++) {
            Trainer.epoch(model, opt, new LrSchedule.Constant(1e-3), train, Trainer.Options.of(128), rng);
        }
        double acc = Trainer.accuracy(model, test);
        System.err.printf("Fashion-MNIST MLP: test accuracy %.4f after 3 epochs in %.1f s%n", acc, (System.nanoTime() - t0) / 1e9);
        assertTrue(acc >= 0.85, "test accuracy " + acc);
    }
}
