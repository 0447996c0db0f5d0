package dev.prune4j.kernels;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Same inputs, same output bits — whether the JIT has compiled the kernels or not. The Vector
 * API's own lane sum and exp are not like that (see {@link Lanes}); this test catches any kernel
 * that uses them again.
 */
class ExecutionModeDeterminismTest {
    @Test
    void interpretedAndCompiledKernelsGiveTheSameBits() throws IOException, InterruptedException {
        long cold = KernelDeterminismProbe.checksum(); // mostly interpreted: the first call in this JVM's life of several kernels
        for (int i = 0; i < 300; i++) {
            KernelDeterminismProbe.checksum();
        }
        long warm = KernelDeterminismProbe.checksum();
        assertEquals(cold, warm, "checksum before and after warm-up in this JVM");

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xint");
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(KernelDeterminismProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the -Xint JVM finished");
        assertEquals(0, p.exitValue(), "-Xint JVM: " + err);
        assertEquals(Long.toString(warm), out, "checksum of an interpreted JVM (-Xint) vs this warmed-up one");
    }
}
