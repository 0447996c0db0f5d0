package dev.prune4j.nn;

import dev.prune4j.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/** The small image classifiers of the training experiments. */
public final class VisionModels {
    private VisionModels() {
    }

    /** Flatten, then Linear+ReLU per hidden size, then Linear to {@code classes}: e.g. 784-300-100-10. */
    public static Sequential mlp(int inputs, int[] hidden, int classes, Rng rng) {
        List<Sequential.Named> layers = new ArrayList<>();
        layers.add(new Sequential.Named("flatten", new Flatten()));
        int in = inputs;
        for (int i = 0; i < hidden.length; i++) {
            layers.add(new Sequential.Named("fc" + (i + 1), Linear.init(in, hidden[i], rng)));
            layers.add(new Sequential.Named("relu" + (i + 1), new Act(Activation.RELU)));
            in = hidden[i];
        }
        layers.add(new Sequential.Named("fc" + (hidden.length + 1), Linear.init(in, classes, rng)));
        return new Sequential(layers);
    }

    /**
     * LeNet-5-style CNN (LeCun et al. 1998) for 1×28×28 inputs, with ReLU and max pooling as is
     * usual today: conv 5×5 (6, padding 2) → pool 2 → conv 5×5 (16) → pool 2 → 120 → 84 → classes.
     */
    public static Sequential lenet5(int classes, Rng rng) {
        return new Sequential(List.of(
                new Sequential.Named("conv1", Conv2d.init(1, 6, 5, new Conv2dSpec(1, 2), rng)),
                new Sequential.Named("relu1", new Act(Activation.RELU)),
                new Sequential.Named("pool1", Pool2d.max(2)),
                new Sequential.Named("conv2", Conv2d.init(6, 16, 5, new Conv2dSpec(1, 0), rng)),
                new Sequential.Named("relu2", new Act(Activation.RELU)),
                new Sequential.Named("pool2", Pool2d.max(2)),
                new Sequential.Named("flatten", new Flatten()),
                new Sequential.Named("fc1", Linear.init(16 * 5 * 5, 120, rng)),
                new Sequential.Named("relu3", new Act(Activation.RELU)),
                new Sequential.Named("fc2", Linear.init(120, 84, rng)),
                new Sequential.Named("relu4", new Act(Activation.RELU)),
                new Sequential.Named("fc3", Linear.init(84, classes, rng))));
    }
}
