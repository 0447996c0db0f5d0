package dev.prune4j.prune.train;

import dev.prune4j.core.BadInputException;
import dev.prune4j.data.FashionMnist;
import dev.prune4j.data.ImageDataset;
import dev.prune4j.nn.Adam;
import dev.prune4j.nn.LrSchedule;
import dev.prune4j.nn.Optimizer;
import dev.prune4j.nn.Parameter;
import dev.prune4j.nn.Sequential;
import dev.prune4j.nn.Sgd;
import dev.prune4j.nn.VisionModels;
import dev.prune4j.tensor.Rng;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import static dev.prune4j.prune.train.Recipe.need;
import static dev.prune4j.prune.train.Recipe.or;

/** Builds data, model, optimizer, schedule and method from a {@link Recipe} and runs them on a {@link Session}. */
public final class RecipeRunner {
    private RecipeRunner() {
    }

    /** What a run produced: the session (rounds, final model) and, for sensitivity, the curves. */
    public record Outcome(Session session, String method, Map<String, double[]> sensitivity, Map<String, Double> budgets) {
    }

    public static ImageDataset[] data(Recipe.Data d) {
        if (!"fashion-mnist".equals(d.dataset())) {
            throw new BadInputException("recipe: data.dataset must be 'fashion-mnist', found '" + d.dataset() + "'");
        }
        Path dir = d.dir() == null ? FashionMnist.defaultDir() : Path.of(d.dir());
        ImageDataset train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        ImageDataset test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        if (d.trainLimit() != null) {
            train = train.head(positive(d.trainLimit(), "data.trainLimit"));
        }
        if (d.testLimit() != null) {
            test = test.head(positive(d.testLimit(), "data.testLimit"));
        }
        return new ImageDataset[] {train, test};
    }

    public static Sequential model(Recipe.ModelSpec m, ImageDataset data, Rng rng) {
        return switch (m.kind()) {
            case "mlp" -> {
                if (m.hidden() == null || m.hidden().isEmpty()) {
                    throw new BadInputException("recipe: model.hidden must list the hidden sizes of the mlp, e.g. [300, 100]");
                }
                yield VisionModels.mlp(data.features(), m.hidden().stream().mapToInt(h -> positive(h, "model.hidden")).toArray(), data.classes(), rng);
            }
            case "lenet5" -> {
                if (data.channels() != 1 || data.height() != 28 || data.width() != 28) {
                    throw new BadInputException("recipe: model 'lenet5' needs 1×28×28 images");
                }
                yield VisionModels.lenet5(data.classes(), rng);
            }
            default -> throw new BadInputException("recipe: model.kind must be 'mlp' or 'lenet5', found '" + m.kind() + "'");
        };
    }

    public static Function<Map<String, Parameter>, Optimizer> optimizer(Recipe.TrainSpec t) {
        return switch (t.optimizer().toLowerCase(Locale.ROOT)) {
            case "adam" -> p -> new Adam(p, new Adam.Options(0.9, 0.999, 1e-8, t.weightDecay(), Adam.Decay.L2));
            case "adamw" -> p -> new Adam(p, new Adam.Options(0.9, 0.999, 1e-8, t.weightDecay(), Adam.Decay.DECOUPLED));
            case "sgd" -> p -> new Sgd(p, new Sgd.Options(t.momentum(), t.nesterov(), t.weightDecay()));
            default -> throw new BadInputException("recipe: train.optimizer must be adam, adamw or sgd, found '" + t.optimizer() + "'");
        };
    }

    /** The schedule over {@code totalSteps} (cosine decays to 0 over them; step halves every third of them). */
    public static LrSchedule schedule(Recipe.TrainSpec t, long totalSteps) {
        LrSchedule s = switch (t.schedule().toLowerCase(Locale.ROOT)) {
            case "constant" -> new LrSchedule.Constant(t.lr());
            case "cosine" -> new LrSchedule.Cosine(t.lr(), 0, Math.max(1, totalSteps));
            case "step" -> new LrSchedule.Step(t.lr(), 0.1, Math.max(1, totalSteps / 3));
            default -> throw new BadInputException("recipe: train.schedule must be constant, cosine or step, found '" + t.schedule() + "'");
        };
        return t.warmupSteps() > 0 ? new LrSchedule.WarmUp(t.warmupSteps(), s) : s;
    }

    /** Runs the recipe: plain training when it has no method, else the method (after the teacher, if distilling). */
    public static Outcome run(Recipe recipe, Consumer<String> progress) {
        try {
            return runChecked(recipe.withDefaults(), progress);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("recipe: " + e.getMessage(), e);
        }
    }

    private static Outcome runChecked(Recipe r, Consumer<String> progress) {
        ImageDataset[] d = data(r.data());
        Rng rng = Rng.derived(r.seed(), "model-init");
        Sequential model = model(r.model(), d[0], rng);
        Recipe.TrainSpec t = r.train();
        positive(t.epochs(), "train.epochs");
        // build (and so validate) the method before any training
        Method method = r.method() == null || "sensitivity".equals(r.method().kind()) ? null : method(r.method(), t);
        long steps = (long) t.epochs() * ((d[0].size() + t.batchSize() - 1) / positive(t.batchSize(), "train.batchSize"));
        Session s = new Session(model, optimizer(t), d[0], d[1],
                new Session.Options(t.batchSize(), schedule(t, steps), r.seed(), 8), progress);
        if (r.method() == null) {
            s.train(t.epochs());
            s.record("trained");
            return new Outcome(s, "train " + t.epochs() + " epochs", null, null);
        }
        if (r.distill() != null) {
            int te = or(r.distill().teacherEpochs(), t.epochs());
            progress.accept("training the dense teacher for " + te + " epochs");
            s.train(te);
            s.record("teacher");
            s.setLoss(new Distillation(s.model().copy(), or(r.distill().alpha(), 0.5), or(r.distill().temperature(), 4.0)));
        }
        Recipe.MethodSpec m = r.method();
        if ("sensitivity".equals(m.kind())) {
            int te = or(m.trainEpochs(), t.epochs());
            s.train(te);
            s.record("dense");
            double[] sweep = m.sweep() == null ? new double[] {0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99}
                    : m.sweep().stream().mapToDouble(Double::doubleValue).toArray();
            Map<String, double[]> curves = Sensitivity.curves(s.model(), s.testData(), sweep);
            double base = s.rounds().getLast().accuracy();
            return new Outcome(s, "sensitivity sweep " + Arrays.toString(sweep), curves,
                    Sensitivity.budgets(curves, sweep, base, or(m.maxDrop(), 0.01)));
        }
        method.run(s);
        return new Outcome(s, method.describe(), null, null);
    }

    static Method method(Recipe.MethodSpec m, Recipe.TrainSpec t) {
        String kind = need(m.kind(), "method.kind");
        int epochs = t.epochs();
        return switch (kind) {
            case "one-shot" -> new OneShot(criterion(m), allocation(m), need(m.sparsity(), "method.sparsity"),
                    or(m.trainEpochs(), epochs), or(m.fineTuneEpochs(), 0));
            case "iterative" -> new Iterative(criterion(m), allocation(m), or(m.rate(), 0.2), need(m.rounds(), "method.rounds"),
                    or(m.trainEpochs(), epochs), rewind(or(m.rewind(), "init")), or(m.rewindStep(), 0L));
            case "gradual" -> new Gradual(criterion(m), allocation(m), need(m.sparsity(), "method.sparsity"), or(m.trainEpochs(), epochs),
                    or(m.startFraction(), 0.1), or(m.endFraction(), 0.7), or(m.pruningSteps(), 20));
            case "static-sparse" -> new StaticSparse(need(m.density(), "method.density"), layout(m), or(m.trainEpochs(), epochs));
            case "set" -> new SparseEvolutionary(need(m.density(), "method.density"), layout(m), or(m.zeta(), 0.3), or(m.trainEpochs(), epochs));
            case "rigl" -> new RigL(need(m.density(), "method.density"), layout(m), or(m.alpha(), 0.3), or(m.deltaT(), 100),
                    or(m.endFraction(), 0.75), or(m.trainEpochs(), epochs));
            case "structured" -> new Structured(norm(m), need(m.fraction(), "method.fraction"), or(m.trainEpochs(), epochs), or(m.fineTuneEpochs(), 1));
            case "group-lasso" -> new GroupLasso(need(m.lambda(), "method.lambda"), or(m.trainEpochs(), epochs), or(m.epsilon(), 1e-6),
                    or(m.fineTuneEpochs(), 1));
            default -> throw new BadInputException("recipe: method.kind must be one of one-shot, iterative, gradual, static-sparse, set, rigl, "
                    + "structured, group-lasso, sensitivity; found '" + kind + "'");
        };
    }

    static Criterion criterion(Recipe.MethodSpec m) {
        String c = or(m.criterion(), "magnitude");
        return switch (c) {
            case "magnitude" -> new Criterion.Magnitude();
            case "gradient" -> new Criterion.GradientMagnitude();
            case "taylor" -> new Criterion.Taylor();
            case "hybrid" -> new Criterion.Hybrid(or(m.alpha(), 0.5));
            default -> throw new BadInputException("recipe: method.criterion must be magnitude, gradient, taylor or hybrid, found '" + c + "'");
        };
    }

    static Allocation allocation(Recipe.MethodSpec m) {
        return parse(Allocation.class, or(m.allocation(), "layer"), "method.allocation");
    }

    static Layout layout(Recipe.MethodSpec m) {
        return parse(Layout.class, or(m.layout(), "erk"), "method.layout");
    }

    static GroupNorm norm(Recipe.MethodSpec m) {
        return parse(GroupNorm.class, or(m.norm(), "l1"), "method.norm");
    }

    static Rewind rewind(String s) {
        return switch (s) {
            case "init" -> Rewind.WEIGHTS_TO_INIT;
            case "step" -> Rewind.WEIGHTS_TO_STEP;
            case "lr" -> Rewind.LEARNING_RATE;
            default -> throw new BadInputException("recipe: method.rewind must be init, step or lr, found '" + s + "'");
        };
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String v, String field) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("recipe: " + field + " must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                    + ", found '" + v + "'");
        }
    }

    private static int positive(Integer v, String field) {
        if (v == null || v < 1) {
            throw new BadInputException("recipe: " + field + " must be a positive integer, found " + v);
        }
        return v;
    }

    /** The rounds as plain maps, for the JSON report. */
    public static List<Map<String, Object>> rounds(Session s) {
        return s.rounds().stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", r.label());
            m.put("sparsity", r.sparsity());
            m.put("accuracy", r.accuracy());
            m.put("steps", r.steps());
            m.put("parameters", r.parameters());
            m.put("layerSparsity", r.layerSparsity());
            return m;
        }).toList();
    }
}
