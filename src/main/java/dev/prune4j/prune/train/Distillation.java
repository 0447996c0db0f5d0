package dev.prune4j.prune.train;

import dev.prune4j.nn.F;
import dev.prune4j.nn.Module;
import dev.prune4j.nn.Pass;
import dev.prune4j.nn.Trainer;
import dev.prune4j.nn.Variable;

/**
 * Knowledge distillation from a dense teacher into the pruned student (Hinton et al. 2015,
 * "Distilling the Knowledge in a Neural Network"): loss = α·CE(y, p_s) + (1 − α)·T²·KL(p_t^(T) ‖ p_s^(T)).
 * The teacher runs in evaluation mode and gets no gradient.
 */
public record Distillation(Module teacher, double alpha, double temperature) implements Trainer.Loss {
    public Distillation {
        if (!(alpha >= 0 && alpha <= 1) || !(temperature > 0)) {
            throw new IllegalArgumentException("distillation needs 0 ≤ alpha ≤ 1 and temperature > 0");
        }
    }

    @Override
    public Variable of(Variable logits, Variable x, int[] y) {
        Variable t = Variable.constant(teacher.forward(x, Pass.eval()).value(), logits.shape());
        Variable hard = F.scale(F.crossEntropy(logits, y), (float) alpha);
        Variable soft = F.scale(F.klDiv(logits, t, (float) temperature), (float) ((1 - alpha) * temperature * temperature));
        return F.add(hard, soft);
    }
}
