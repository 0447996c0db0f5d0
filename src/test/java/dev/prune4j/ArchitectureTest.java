package dev.prune4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the layering of DESIGN.md: a package imports only packages listed before it, and every
 * package has a package-info.java. Reads the sources' import lines (no extra dependency).
 */
class ArchitectureTest {
    /** Lower layers first; a package may use only packages earlier in this list. */
    static final List<String> LAYERS = List.of("core", "tensor", "kernels", "sparse", "io", "text", "model",
            "data", "nn", "prune", "eval", "report", "bench", "cli");

    static final Path MAIN = Path.of("src/main/java/dev/prune4j");
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.prune4j\\.([a-z0-9]+)[.;]", Pattern.MULTILINE);

    @Test
    void packagesDependOnlyOnEarlierLayers() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String top = MAIN.relativize(f).getName(0).toString();
                if (top.endsWith(".java")) {
                    continue;
                }
                int own = LAYERS.indexOf(top);
                assertTrue(own >= 0, "package dev.prune4j." + top + " is not in ArchitectureTest.LAYERS; add it where it belongs");
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    String used = m.group(1);
                    int other = LAYERS.indexOf(used);
                    if (other > own) {
                        violations.add(MAIN.relativize(f) + " imports dev.prune4j." + used);
                    }
                }
            }
        }
        assertEquals(List.of(), violations, "imports against the layering " + LAYERS);
    }

    @Test
    void everyPackageHasPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                boolean hasJava;
                try (Stream<Path> s = Files.list(d)) {
                    hasJava = s.anyMatch(p -> p.toString().endsWith(".java"));
                }
                if (hasJava && !Files.exists(d.resolve("package-info.java"))) {
                    missing.add(MAIN.relativize(d).toString());
                }
            }
        }
        assertEquals(List.of(), missing, "packages without package-info.java");
    }
}
