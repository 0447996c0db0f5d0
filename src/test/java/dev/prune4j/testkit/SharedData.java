package dev.prune4j.testkit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Access to the read-only reference data in {@code ../shared} (models, fixtures). Tests that need
 * a file call {@link #require(String)}: where the file is missing the test is skipped with a
 * message naming it — except in CI ({@code CI=true}), where {@code ../shared} must be present
 * and a missing file fails the test instead of hiding it.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder: system property {@code prune4j.shared}, else {@code ../shared}. */
    public static Path root() {
        String p = System.getProperty("prune4j.shared");
        return Path.of(p != null ? p : "../shared").toAbsolutePath().normalize();
    }

    /** The path of {@code relative} inside the shared folder, or skip (fail in CI) if missing. */
    public static Path require(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) {
            String msg = "needs " + relative + " from the shared reference data, not found at " + f;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(msg + " (CI=true: ../shared must be present)");
            }
            Assumptions.abort(msg);
        }
        return f;
    }
}
