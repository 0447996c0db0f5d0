package dev.prune4j.prune.train;

/**
 * One-shot pruning (Han et al. 2015): train dense, remove the lowest-scored weights once, and
 * optionally fine-tune with the mask fixed.
 */
public record OneShot(Criterion criterion, Allocation allocation, double sparsity, int trainEpochs, int fineTuneEpochs) implements Method {
    public OneShot {
        if (trainEpochs < 0 || fineTuneEpochs < 0) {
            throw new IllegalArgumentException("epochs must be ≥ 0");
        }
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), found " + sparsity);
        }
    }

    @Override
    public void run(Session s) {
        if (trainEpochs > 0) {
            s.train(trainEpochs);
            s.record("dense");
        }
        s.prune(criterion, allocation, sparsity);
        s.record("pruned");
        if (fineTuneEpochs > 0) {
            s.resetOptimizer();
            s.train(fineTuneEpochs);
            s.record("fine-tuned");
        }
    }

    @Override
    public String describe() {
        return "one-shot " + criterion + " " + allocation + " to " + sparsity + ", fine-tune " + fineTuneEpochs + " epochs";
    }
}
