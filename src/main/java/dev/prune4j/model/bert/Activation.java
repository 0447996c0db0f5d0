package dev.prune4j.model.bert;

import dev.prune4j.core.BadInputException;

import java.util.Locale;

/** The feed-forward activation of an encoder block, by its {@code config.json} name. */
public enum Activation {
    /** Exact GELU, {@code x·Φ(x)} ("gelu"). */
    GELU("gelu"),
    /** Tanh-approximated GELU ("gelu_new", "gelu_pytorch_tanh"). */
    GELU_TANH("gelu_new");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses {@code hidden_act}; {@code where} names the file for the error message. */
    public static Activation fromConfig(String name, String where) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            default -> throw new BadInputException(where + ": hidden_act '" + name
                    + "' is not supported for BERT encoders; supported: gelu, gelu_new, gelu_pytorch_tanh");
        };
    }
}
