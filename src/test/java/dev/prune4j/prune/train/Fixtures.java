package dev.prune4j.prune.train;

import dev.prune4j.data.FashionMnist;
import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.Act;
import dev.prune4j.nn.Activation;
import dev.prune4j.nn.Adam;
import dev.prune4j.nn.BatchNorm;
import dev.prune4j.nn.Conv2d;
import dev.prune4j.nn.Conv2dSpec;
import dev.prune4j.nn.Flatten;
import dev.prune4j.nn.Linear;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Pool2d;
import dev.prune4j.nn.Sequential;
import dev.prune4j.tensor.Rng;
import dev.prune4j.testkit.FashionMnistData;

import java.util.ArrayList;
import java.util.List;

/** Small models and data for the pruning tests. */
final class Fixtures {
    private Fixtures() {
    }

    static Sequential mlp(Rng rng, int... sizes) {
        List<Sequential.Named> layers = new ArrayList<>();
        layers.add(new Sequential.Named("flatten", new Flatten()));
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Sequential.Named("fc" + (i + 1), Linear.init(sizes[i], sizes[i + 1], rng)));
            if (i + 2 < sizes.length) {
                layers.add(new Sequential.Named("relu" + (i + 1), new Act(Activation.RELU)));
            }
        }
        return new Sequential(layers);
    }

    /** conv(1→4,3×3,pad 1)-BN-ReLU-maxpool2-conv(4→6,3×3)-ReLU-flatten-fc(6·2·2→8)-ReLU-fc(8→3) on 1×6×6 inputs. */
    static Sequential smallCnn(Rng rng) {
        return new Sequential(List.of(
                new Sequential.Named("conv1", Conv2d.init(1, 4, 3, new Conv2dSpec(1, 1), rng)),
                new Sequential.Named("bn1", BatchNorm.init(4)),
                new Sequential.Named("relu1", new Act(Activation.RELU)),
                new Sequential.Named("pool1", Pool2d.max(2)),
                new Sequential.Named("conv2", Conv2d.init(4, 6, 2, new Conv2dSpec(1, 0), rng)),
                new Sequential.Named("relu2", new Act(Activation.GELU)),
                new Sequential.Named("flatten", new Flatten()),
                new Sequential.Named("fc1", Linear.init(6 * 2 * 2, 8, rng)),
                new Sequential.Named("relu3", new Act(Activation.RELU)),
                new Sequential.Named("fc2", Linear.init(8, 3, rng))));
    }

    static ImageDataset randomImages(Rng rng, int n, int c, int h, int w, int classes) {
        float[] x = new float[n * c * h * w];
        rng.fillGaussian(x, 0, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new ImageDataset("random", x, y, c, h, w, classes);
    }

    static ImageDataset fmnistTrain() {
        return FashionMnistData.require(FashionMnist.Split.TRAIN).head(6000);
    }

    static ImageDataset fmnistTest() {
        return FashionMnistData.require(FashionMnist.Split.TEST).head(2000);
    }

    /** A session on the Fashion-MNIST subset with a 784-64-32-10 MLP and Adam 2e-3. */
    static Session fmnistSession(long seed) {
        Rng rng = new Rng(seed);
        return new Session(mlp(rng, 784, 64, 32, 10), p -> new Adam(p, Adam.Options.defaults()),
                fmnistTrain(), fmnistTest(), new Session.Options(64, new LrSchedule.Constant(2e-3), seed, 4), null);
    }
}
