package dev.prune4j.eval;

import dev.prune4j.kernels.Kernels;
import dev.prune4j.kernels.Parallel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

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

    /** Bytes/s of summing a float array of {@code floats} elements on all kernel threads (best of 5). */
    public static double readBandwidth(int floats) {
        float[] a = new float[floats];
        java.util.Arrays.fill(a, 1f);
        Kernels k = Kernels.get();
        int chunks = 64;
        int per = floats / chunks;
        double best = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            DoubleAdder sink = new DoubleAdder();
            long t0 = System.nanoTime();
            Parallel.forRange(chunks, 1, Long.MAX_VALUE / 4, (from, to) -> {
                for (int c = from; c < to; c++) {
                    sink.add(k.sum(per, a, c * per));
                }
            });
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            if (sink.sum() != (double) per * chunks) {
                throw new IllegalStateException("bandwidth probe summed wrongly: " + sink.sum());
            }
        }
        return 4.0 * per * chunks / best;
    }
}
