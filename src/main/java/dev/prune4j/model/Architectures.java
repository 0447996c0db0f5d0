package dev.prune4j.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Turns a Hugging Face {@code config.json} into the {@link Architecture} of its family. */
public final class Architectures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Architectures() {
    }

    /** Every {@code model_type} prune4j can load, for error messages. */
    public static String supported() {
        return DecoderType.supported() + ", bert";
    }

    /** Reads {@code config.json} and dispatches on its {@code model_type}. */
    public static Architecture fromConfig(Path configJson) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(configJson));
        } catch (NoSuchFileException e) {
            throw new BadInputException(configJson + ": file not found (a Hugging Face checkpoint needs its config.json)", e);
        } catch (JsonProcessingException e) {
            throw new BadInputException(configJson + ": not well-formed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + configJson + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(configJson + ": expected a JSON object");
        }
        JsonNode mt = root.get("model_type");
        String type = mt == null || !mt.isTextual() ? null : mt.asText();
        if (type == null) {
            throw new BadInputException(configJson + ": missing field 'model_type'; supported: " + supported());
        }
        if (DecoderType.fromModelType(type) != null) {
            return LlamaConfig.fromJson(configJson, root);
        }
        if (type.equals("bert")) {
            return dev.prune4j.model.bert.BertConfig.fromJson(configJson, root);
        }
        throw new BadInputException(configJson + ": unknown model_type '" + type + "'; supported: " + supported());
    }
}
