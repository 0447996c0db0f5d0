package dev.prune4j.prune.train;

import dev.prune4j.nn.Conv2d;
import dev.prune4j.nn.Linear;
import dev.prune4j.nn.Module;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Trainer;

import java.util.List;

/**
 * Group lasso, structured sparsity learning (Wen et al. 2016, "Learning Structured Sparsity in
 * Deep Neural Networks"): the penalty λ·Σ_g ‖W_g‖₂ over the neurons/channels of every hidden
 * layer (a group = the weights of one output and its bias), applied as the proximal step
 * W_g ← W_g·max(0, 1 − ηλ/‖W_g‖₂) after each optimizer step, which sets whole groups exactly to
 * zero; groups with norm ≤ ε are then removed physically and the smaller model is fine-tuned.
 */
public record GroupLasso(double lambda, int epochs, double epsilon, int fineTuneEpochs) implements Method {
    public GroupLasso {
        if (!(lambda > 0) || epochs < 1 || !(epsilon >= 0) || fineTuneEpochs < 0) {
            throw new IllegalArgumentException("group lasso needs lambda > 0, epochs ≥ 1, epsilon ≥ 0, fineTuneEpochs ≥ 0");
        }
    }

    /** The proximal step on every hidden producer of the model at step size η = lr. */
    static void proximal(Sequential model, double eta, double lambda) {
        List<Sequential.Named> layers = model.layers();
        int last = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (StructuredRemoval.isProducer(layers.get(i).module())) {
                last = i;
            }
        }
        for (int i = 0; i < last; i++) {
            Module m = layers.get(i).module();
            if (!StructuredRemoval.isProducer(m)) {
                continue;
            }
            Parameter w = m instanceof Linear l ? l.weight() : ((Conv2d) m).weight();
            Parameter b = m instanceof Linear l ? l.bias() : ((Conv2d) m).bias();
            int groups = w.shape()[0];
            int per = w.size() / groups;
            for (int g = 0; g < groups; g++) {
                double sq = 0;
                for (int j = 0; j < per; j++) {
                    sq += (double) w.value()[g * per + j] * w.value()[g * per + j];
                }
                if (b != null) {
                    sq += (double) b.value()[g] * b.value()[g];
                }
                double norm = Math.sqrt(sq);
                float f = norm == 0 ? 0f : (float) Math.max(0, 1 - eta * lambda / norm);
                for (int j = 0; j < per; j++) {
                    w.value()[g * per + j] *= f;
                }
                if (b != null) {
                    b.value()[g] *= f;
                }
            }
        }
    }

    @Override
    public void run(Session s) {
        // the proximal step uses the learning rate of the optimizer step just taken
        Trainer.StepHook prox = step -> proximal(s.model(), s.learningRate(step - 1), lambda);
        s.train(epochs, Trainer.GradHook.NONE, prox);
        s.record("group lasso λ=" + lambda);
        StructuredRemoval.Plan plan = StructuredRemoval.planThreshold(s.model(), GroupNorm.L2, epsilon);
        s.replaceModel(StructuredRemoval.apply(s.model(), plan, Structured.inputShape(s)));
        s.record("removed " + plan.describe());
        if (fineTuneEpochs > 0) {
            s.train(fineTuneEpochs);
            s.record("fine-tuned");
        }
    }

    @Override
    public String describe() {
        return "group lasso λ=" + lambda + " for " + epochs + " epochs, remove groups with ‖W_g‖₂ ≤ " + epsilon + ", fine-tune " + fineTuneEpochs;
    }
}
