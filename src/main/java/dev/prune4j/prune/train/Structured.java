package dev.prune4j.prune.train;

/**
 * Structured pruning by group norm (Li et al. 2017, "Pruning Filters for Efficient ConvNets":
 * L1 norm of filters): train dense, remove the {@code fraction} of neurons/channels with the
 * smallest L1 or L2 norm from every hidden layer physically, then fine-tune the smaller model.
 */
public record Structured(GroupNorm norm, double fraction, int trainEpochs, int fineTuneEpochs) implements Method {
    public Structured {
        if (!(fraction >= 0 && fraction < 1) || trainEpochs < 0 || fineTuneEpochs < 0) {
            throw new IllegalArgumentException("structured pruning needs 0 ≤ fraction < 1 and epochs ≥ 0");
        }
    }

    @Override
    public void run(Session s) {
        if (trainEpochs > 0) {
            s.train(trainEpochs);
            s.record("dense");
        }
        StructuredRemoval.Plan plan = StructuredRemoval.planFraction(s.model(), norm, fraction);
        s.replaceModel(StructuredRemoval.apply(s.model(), plan, inputShape(s)));
        s.record("removed " + plan.describe());
        if (fineTuneEpochs > 0) {
            s.train(fineTuneEpochs);
            s.record("fine-tuned");
        }
    }

    static int[] inputShape(Session s) {
        return new int[] {s.trainData().channels(), s.trainData().height(), s.trainData().width()};
    }

    @Override
    public String describe() {
        return "structured " + norm + " removing " + fraction + " of neurons/channels, fine-tune " + fineTuneEpochs + " epochs";
    }
}
