package dev.prune4j.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.prune4j.core.BadInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Documents of text read from a file, with how they were cut, for evaluation and calibration.
 * {@code .txt}: UTF-8, segmented as chosen; {@code .jsonl}: one JSON object per line whose
 * {@code "text"} field is one document.
 */
public record Corpus(String source, String segmentation, List<String> documents) {
    /** How a .txt file is cut into documents. */
    public enum Segmentation {
        /** Split on the two-character separator "\n\n", strip each part, drop empty ones. */
        PARAGRAPHS("split on \"\\n\\n\"; strip leading/trailing whitespace of each part (String.strip); drop empty ones"),
        /** One document per line, stripped, empty lines dropped. */
        LINES("one document per line; strip; drop empty lines"),
        /** The whole file is one document. */
        WHOLE("the whole file is one document");

        private final String description;

        Segmentation(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public Corpus {
        documents = List.copyOf(documents);
    }

    /** Reads a .txt (segmented) or .jsonl (field "text") file. */
    public static Corpus read(Path file, Segmentation segmentation) {
        String text = readUtf8(file);
        String name = file.getFileName().toString();
        if (name.endsWith(".jsonl")) {
            return jsonl(file, text);
        }
        List<String> docs = new ArrayList<>();
        switch (segmentation) {
            case PARAGRAPHS -> split(text, "\n\n", docs);
            case LINES -> split(text, "\n", docs);
            case WHOLE -> docs.add(text);
        }
        if (docs.isEmpty()) {
            throw new BadInputException(file + ": no text found (empty after segmentation: " + segmentation.description() + ")");
        }
        return new Corpus(file + " (UTF-8, " + docs.size() + " documents)", segmentation.description(), docs);
    }

    private static void split(String text, String sep, List<String> out) {
        int from = 0;
        while (from <= text.length()) {
            int to = text.indexOf(sep, from);
            if (to < 0) {
                to = text.length();
            }
            String part = text.substring(from, to).strip();
            if (!part.isEmpty()) {
                out.add(part);
            }
            from = to + sep.length();
        }
    }

    private static Corpus jsonl(Path file, String text) {
        ObjectMapper json = new ObjectMapper();
        List<String> docs = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new BadInputException(file + ": line " + (i + 1) + " is not well-formed JSON: " + e.getOriginalMessage());
            }
            JsonNode t = node == null ? null : node.get("text");
            if (t == null || !t.isTextual()) {
                throw new BadInputException(file + ": line " + (i + 1) + " has no string field \"text\"");
            }
            docs.add(t.asText());
        }
        if (docs.isEmpty()) {
            throw new BadInputException(file + ": no JSON lines with a \"text\" field");
        }
        return new Corpus(file + " (JSON lines, " + docs.size() + " documents)", "one document per JSON line, field \"text\"", docs);
    }

    private static String readUtf8(Path file) {
        try {
            byte[] b = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": file not found", e);
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
