package dev.prune4j.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bash launcher refuses an old JDK with one clear line and exit code 2. */
class LauncherTest {
    @Test
    void withoutJdk25ItPrintsOneLineAndExits2() throws IOException, InterruptedException {
        Path root = Path.of("").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("prune4j").toString(), "--version");
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("JAVA_HOME", "/nonexistent-jdk");
        env.put("PRUNE4J_JVM_DIRS", "/nonexistent-jvm-dir");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assertEquals(2, code, "exit code; stderr: " + err);
        assertEquals("", out);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.startsWith("prune4j: needs a JDK >= 25; found: JAVA_HOME=/nonexistent-jdk"), err);
        assertTrue(err.contains("set JAVA_HOME"), err);
    }
}
