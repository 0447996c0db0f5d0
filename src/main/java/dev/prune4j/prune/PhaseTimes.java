package dev.prune4j.prune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wall time of the phases of a pruning run, summed by phase name in the order first seen: where
 * the time of a block goes (for benchmarks; {@link OneShotPruner} fills it). The forward passes
 * are split at the moments their linear inputs are reported, so "dense → mlp.down_proj" is the
 * time from the previous report to down_proj's input (the gate/up products and the SwiGLU).
 */
public final class PhaseTimes {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    /** Adds {@code elapsed} nanoseconds to {@code phase}. */
    public synchronized void add(String phase, long elapsed) {
        nanos.merge(phase, elapsed, Long::sum);
    }

    /** Counts one occurrence of {@code event} (e.g. a block forwarded after pruning). */
    public synchronized void count(String event) {
        counts.merge(event, 1L, Long::sum);
    }

    /** How often {@code event} was counted. */
    public synchronized long count(String event, long ifNone) {
        return counts.getOrDefault(event, ifNone);
    }

    /** Seconds of the phases whose names start with {@code prefix}, summed. */
    public synchronized double secondsStartingWith(String prefix) {
        return nanos.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue).sum() / 1e9;
    }

    /** Seconds per phase, in the order first seen. */
    public synchronized Map<String, Double> seconds() {
        Map<String, Double> m = new LinkedHashMap<>();
        nanos.forEach((k, v) -> m.put(k, v / 1e9));
        return m;
    }

    /**
     * Times one forward pass called {@code pass} in segments ending at each reported linear input
     * (named after the first linear that reads it, without its block prefix) and a last segment
     * "→ end"; time spent by the caller between {@link #resume} calls is not counted.
     */
    final class ForwardClock {
        private final String pass;
        private long last = System.nanoTime();

        ForwardClock(String pass) {
            this.pass = pass;
        }

        /** Closes the segment that ends at the input of {@code names}. */
        void at(List<String> names) {
            long now = System.nanoTime();
            add(pass + " → " + shortName(names.get(0)), now - last);
            last = now;
        }

        /** Restarts the clock (after work that is timed elsewhere). */
        void resume() {
            last = System.nanoTime();
        }

        /** Closes the last segment. */
        void end() {
            add(pass + " → end", System.nanoTime() - last);
        }
    }

    ForwardClock forward(String pass) {
        return new ForwardClock(pass);
    }

    /** "model.layers.3.mlp.up_proj.weight" → "mlp.up_proj". */
    static String shortName(String name) {
        return name.replaceFirst("^.*?\\.\\d+\\.", "").replaceFirst("\\.weight$", "");
    }
}
