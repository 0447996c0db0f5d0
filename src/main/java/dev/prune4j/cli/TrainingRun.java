package dev.prune4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.prune4j.core.BadInputException;
import dev.prune4j.core.Versions;
import dev.prune4j.nn.Checkpoint;
import dev.prune4j.prune.train.Recipe;
import dev.prune4j.prune.train.RecipeRunner;
import dev.prune4j.prune.train.Round;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared plumbing of {@code train} and {@code prune-train}: read the recipe, run it, report, save. */
final class TrainingRun {
    private TrainingRun() {
    }

    static Recipe read(Path file) {
        if (file == null) {
            return Recipe.defaults();
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        ObjectMapper m = (name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper() : new ObjectMapper())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            return m.readValue(Files.readString(file), Recipe.class);
        } catch (NoSuchFileException e) {
            throw new BadInputException("recipe file not found: " + file);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file + ": not a valid recipe: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new BadInputException(file + ": could not read the recipe: " + e.getMessage(), e);
        }
    }

    static int run(String command, Recipe recipe, Path out, boolean json, PrintWriter stdout, PrintWriter stderr) throws IOException {
        Recipe full = recipe.withDefaults();
        long t0 = System.nanoTime();
        RecipeRunner.Outcome o = RecipeRunner.run(full, line -> {
            stderr.println("prune4j " + command + ": " + line);
            stderr.flush();
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (out != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("prune4j", Versions.prune4j());
            meta.put("recipe", Json.MAPPER.writeValueAsString(full));
            meta.put("method", o.method());
            Checkpoint.save(out, o.session().model(), o.session().optimizer(), meta);
        }
        Round last = o.session().rounds().getLast();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", command);
        report.put("prune4j", Versions.prune4j());
        report.put("seed", full.seed());
        report.put("recipe", full);
        report.put("method", o.method());
        report.put("rounds", RecipeRunner.rounds(o.session()));
        report.put("finalAccuracy", last.accuracy());
        report.put("finalSparsity", last.sparsity());
        report.put("parameters", last.parameters());
        if (o.sensitivity() != null) {
            report.put("sensitivity", o.sensitivity());
            report.put("budgets", o.budgets());
        }
        report.put("seconds", seconds);
        report.put("checkpoint", out == null ? null : out.toString());
        if (json) {
            Json.print(stdout, report);
        } else {
            stdout.printf("%s: %s%n", command, o.method());
            for (Round r : o.session().rounds()) {
                stdout.printf("  %-40s sparsity %.4f  accuracy %.4f  parameters %d%n", r.label(), r.sparsity(), r.accuracy(), r.parameters());
            }
            if (o.budgets() != null) {
                o.sensitivity().forEach((k, v) -> stdout.printf("  sensitivity %-12s %s%n", k, java.util.Arrays.toString(v)));
                stdout.println("  budgets (≤ 1% drop): " + o.budgets());
            }
            stdout.printf("  seed %d, %.1f s%s%n", full.seed(), seconds, out == null ? "" : ", saved " + out);
            stdout.flush();
        }
        return Main.OK;
    }
}
