package dev.prune4j.prune;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every option of a one-shot pruning run, as read from a YAML/JSON recipe and completed by
 * command-line options. The fully resolved recipe goes into the report so that a run can be
 * repeated exactly. Unset fields are null until {@link #withDefaults()}.
 *
 * @param method      magnitude | wanda | sparsegpt | ria | dsnot | random
 * @param sparsity    "0.5" or "2:4"
 * @param granularity layer | row (score-and-select methods; N:M ignores it)
 * @param allocation  uniform | global | owl
 * @param scope       Java regexes over linear-layer names (full match); empty = all linears in blocks
 * @param overrides   regex → sparsity for matching layers
 * @param calibration calibration text and windows
 * @param seed        seed for every random choice
 * @param blockSize   SparseGPT block size
 * @param damp        SparseGPT damping (fraction of mean diag H)
 * @param owlLambda   OWL λ
 * @param owlM        OWL outlier multiple M
 * @param riaExponent RIA activation exponent a
 * @param sequential  block | layer: where each linear layer's calibration inputs come from (see
 *                    {@link OneShotPruner.Sequential})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recipe(String method, String sparsity, String granularity, String allocation, List<String> scope,
                     Map<String, Double> overrides, Calibration calibration, Long seed,
                     @JsonProperty("block_size") Integer blockSize, Double damp,
                     @JsonProperty("owl_lambda") Double owlLambda, @JsonProperty("owl_m") Double owlM,
                     @JsonProperty("ria_exponent") Double riaExponent, String sequential) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public Recipe {
    }

    /** A recipe without the {@code sequential} field (block-sequential unless set later). */
    public Recipe(String method, String sparsity, String granularity, String allocation, List<String> scope,
                  Map<String, Double> overrides, Calibration calibration, Long seed, Integer blockSize, Double damp,
                  Double owlLambda, Double owlM, Double riaExponent) {
        this(method, sparsity, granularity, allocation, scope, overrides, calibration, seed, blockSize, damp, owlLambda,
                owlM, riaExponent, null);
    }

    /**
     * Calibration data. Decoders: windows of {@code window} tokens cut from the token stream of
     * {@code text} starting at token {@code start}, exactly like evaluation windows. Encoders:
     * {@code sentences} sentences of {@code text} (one per line; null: the built-in corpus) from
     * sentence index {@code start}, each tokenized to at most {@code maxLength} tokens.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Calibration(String text, Integer windows, Integer window, Long start, Integer sentences,
                              @JsonProperty("max_length") Integer maxLength) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public Calibration {
        }

        /** Decoder calibration (token windows). */
        public Calibration(String text, Integer windows, Integer window, Long start) {
            this(text, windows, window, start, null, null);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads a recipe from a .yaml/.yml/.json file (JSON is YAML too). */
    public static Recipe read(Path file) {
        try {
            Recipe r = YAML.readValue(Files.readString(file), Recipe.class);
            return r == null ? empty() : r;
        } catch (NoSuchFileException e) {
            throw new BadInputException("recipe " + file + ": file not found");
        } catch (UnrecognizedPropertyException e) {
            throw new BadInputException("recipe " + file + ": unknown field '" + e.getPropertyName() + "'; known fields: "
                    + e.getKnownPropertyIds());
        } catch (JsonMappingException e) {
            throw new BadInputException("recipe " + file + ": " + e.getOriginalMessage()
                    + (e.getPathReference() != null ? " at " + e.getPathReference() : ""));
        } catch (IOException e) {
            throw new BadInputException("recipe " + file + ": cannot read it as YAML/JSON: " + e.getMessage());
        }
    }

    /** A recipe with nothing set. */
    public static Recipe empty() {
        return new Recipe(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Fields set in {@code o} replace this recipe's (command-line options over the recipe file). */
    public Recipe overriddenBy(Recipe o) {
        Calibration c = calibration == null ? o.calibration : o.calibration == null ? calibration
                : new Calibration(pick(o.calibration.text(), calibration.text()), pick(o.calibration.windows(), calibration.windows()),
                pick(o.calibration.window(), calibration.window()), pick(o.calibration.start(), calibration.start()),
                pick(o.calibration.sentences(), calibration.sentences()), pick(o.calibration.maxLength(), calibration.maxLength()));
        return new Recipe(pick(o.method, method), pick(o.sparsity, sparsity), pick(o.granularity, granularity),
                pick(o.allocation, allocation), pick(o.scope, scope), pick(o.overrides, overrides), c, pick(o.seed, seed),
                pick(o.blockSize, blockSize), pick(o.damp, damp), pick(o.owlLambda, owlLambda), pick(o.owlM, owlM),
                pick(o.riaExponent, riaExponent), pick(o.sequential, sequential));
    }

    private static <T> T pick(T a, T b) {
        return a != null ? a : b;
    }

    /** Every unset field filled with its default for a decoder (the resolved recipe). */
    public Recipe withDefaults() {
        Calibration c = calibration == null ? new Calibration(null, null, null, null) : calibration;
        return resolved(new Calibration(c.text(), pick(c.windows(), 16), pick(c.window(), 256), pick(c.start(), 0L),
                c.sentences(), c.maxLength()));
    }

    /**
     * Every unset field filled with its default for an encoder: 128 calibration sentences from
     * index 0; {@code max_length} stays unset until the model's limit is known.
     */
    public Recipe withEncoderDefaults() {
        Calibration c = calibration == null ? new Calibration(null, null, null, null) : calibration;
        return resolved(new Calibration(c.text(), c.windows(), c.window(), pick(c.start(), 0L), pick(c.sentences(), 128),
                c.maxLength()));
    }

    /** This recipe with another calibration section. */
    public Recipe withCalibration(Calibration c) {
        return new Recipe(method, sparsity, granularity, allocation, scope, overrides, c, seed, blockSize, damp, owlLambda,
                owlM, riaExponent, sequential);
    }

    private Recipe resolved(Calibration c) {
        if (method == null) {
            throw new BadInputException("no pruning method: give --method or 'method' in the recipe (magnitude, wanda, sparsegpt, ria, dsnot, random)");
        }
        if (sparsity == null) {
            throw new BadInputException("no sparsity: give --sparsity or 'sparsity' in the recipe (e.g. 0.5 or 2:4)");
        }
        String m = method.toLowerCase(Locale.ROOT);
        return new Recipe(m, sparsity, pick(granularity, m.equals("magnitude") ? "layer" : "row"), pick(allocation, "uniform"),
                pick(scope, List.of()), pick(overrides, Map.of()), c, pick(seed, 0L), pick(blockSize, 128), pick(damp, 0.01),
                pick(owlLambda, 0.08), pick(owlM, 5.0), pick(riaExponent, 0.5),
                OneShotPruner.Sequential.parse(pick(sequential, "block")).name().toLowerCase(Locale.ROOT));
    }

    /** The plan this resolved recipe describes. */
    public OneShotPruner.Plan toPlan() {
        Recipe r = withDefaults();
        Granularity g = switch (r.granularity.toLowerCase(Locale.ROOT)) {
            case "layer" -> Granularity.LAYER;
            case "row" -> Granularity.ROW;
            default -> throw new BadInputException("granularity: expected layer or row, found '" + r.granularity + "'");
        };
        LayerPruner p = switch (r.method) {
            case "magnitude" -> new LayerPruner.ScoreAndSelect(new Magnitude(), g);
            case "wanda" -> new LayerPruner.ScoreAndSelect(new Wanda(), g);
            case "ria" -> new LayerPruner.ScoreAndSelect(new Ria(r.riaExponent), g);
            case "random" -> new LayerPruner.ScoreAndSelect(new RandomCriterion(r.seed), g);
            case "sparsegpt" -> new SparseGpt(r.blockSize, r.damp);
            case "dsnot" -> new Dsnot();
            default -> throw new BadInputException("unknown method '" + method + "'; supported: magnitude, wanda, sparsegpt, ria, dsnot, random");
        };
        Allocation a = switch (r.allocation.toLowerCase(Locale.ROOT)) {
            case "owl" -> new Allocation.OutlierWeighted(r.owlLambda, r.owlM);
            default -> Allocation.parse(r.allocation);
        };
        return new OneShotPruner.Plan(p, Sparsity.parse(r.sparsity), a, r.scope, r.overrides,
                OneShotPruner.Sequential.parse(r.sequential));
    }
}
