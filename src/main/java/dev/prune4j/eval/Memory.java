package dev.prune4j.eval;

import dev.prune4j.kernels.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Memory facts of this process and machine: resident set sizes and read bandwidth. */
public final class Memory {
    private Memory() {
    }

    /**
     * VmRSS, RssAnon (heap and other private memory) and RssFile (mapped files) of this process in
     * bytes, from /proc/self/status; empty where it does not exist.
     */
    public static Map<String, Long> rss() {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                for (String key : new String[] {"VmRSS", "RssAnon", "RssFile"}) {
                    if (line.startsWith(key + ":")) {
                        m.put(key, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: no numbers
        }
        m.putIfAbsent("VmRSS", -1L);
        return m;
    }

    /** Peak resident set size of this process (VmHWM from /proc/self/status) in bytes; -1 where unknown. */
    public static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: no number
        }
        return -1;
    }

    /**
     * Memory bandwidth in bytes/s of a streaming copy of {@code floats} floats on all kernel
     * threads (System.arraycopy, best of 5), counting read + written bytes as STREAM does; the
     * same baseline {@code bench kernels} uses for matvec.
     */
    public static double copyBandwidth(int floats) {
        float[] src = new float[floats];
        float[] dst = new float[floats];
        java.util.Arrays.fill(src, 1f);
        java.util.Arrays.fill(dst, 2f);
        int chunks = 64;
        int per = floats / chunks;
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            Parallel.forRange(chunks, 1, Long.MAX_VALUE / 4, (from, to) ->
                    System.arraycopy(src, from * per, dst, from * per, (to - from) * per));
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        if (dst[floats / 2] != 1f) {
            throw new IllegalStateException("bandwidth probe did not copy");
        }
        return 2.0 * 4.0 * per * chunks / best;
    }
}
