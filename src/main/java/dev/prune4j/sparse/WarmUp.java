package dev.prune4j.sparse;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import javax.management.ObjectName;

/**
 * Warm-up before a timing: runs an action until it has stopped getting faster and the JIT
 * compiler has finished nothing for a while, so that what is timed is the compiled kernel. A
 * fixed number of calls is not enough: on a 2-core machine C2 needed ≈ 0.8 s to compile a new
 * sparse kernel (the compiler thread shares the cores with the timed work), and the selector's
 * earlier 20 ms warm-up timed 2:4 matvecs at up to 14× their compiled time, so that a 2:4 model
 * ran on dense kernels (docs/PERFORMANCE.md, "Sparse end-to-end").
 */
final class WarmUp {
    /** Upper bound of one warm-up: a JIT that never goes quiet costs at most this. */
    static final long MAX_NANOS = 5_000_000_000L;
    /** How long the action must have got no faster and the compiler finished nothing before the warm-up ends. */
    static final long QUIET_NANOS = 300_000_000L;
    /** A batch faster than the best so far by more than this fraction counts as "still getting faster". */
    static final double GAIN = 0.02;

    /**
     * Total JIT compilation time of this JVM in milliseconds (HotSpot's CompilationMXBean: it grows
     * when a compilation finishes), or −1 where it is not monitored.
     */
    static final LongSupplier JVM_COMPILER = WarmUp::compileMillis;

    /**
     * Whether HotSpot's JIT is compiling or has compilations queued (the {@code Compiler.queue}
     * diagnostic command, as {@code jcmd PID Compiler.queue} prints it); false where that command
     * is not available. On 2 cores a busy compiler thread takes one core from a 2-thread product:
     * a 2:4 matvec that takes 0.45 ms measured ≈ 7 ms for seconds while C2 worked through its queue.
     */
    static final BooleanSupplier JVM_COMPILER_BUSY = WarmUp::compilerBusy;

    private WarmUp() {
    }

    /**
     * Waits (sleeping, so that the compiler gets the cores) until {@code busy} reports false or
     * {@code maxNanos} have passed; returns whether it is idle.
     */
    static boolean awaitIdle(BooleanSupplier busy, long maxNanos) {
        long t0 = System.nanoTime();
        while (busy.getAsBoolean()) {
            if (System.nanoTime() - t0 >= maxNanos) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Parses {@code Compiler.queue}'s output: busy when a compile is running or a queue is not empty. */
    static boolean busyFrom(String queue) {
        boolean inCurrent = false;
        for (String line : queue.split("\\R")) {
            String l = line.strip();
            if (l.startsWith("Current compiles:")) {
                inCurrent = true;
            } else if (l.endsWith("compile queue:")) {
                inCurrent = false;
            } else if (!l.isEmpty() && !l.equals("Empty") && (inCurrent || Character.isDigit(l.charAt(0)))) {
                return true;
            }
        }
        return false;
    }

    private static volatile boolean queueUnavailable;

    private static boolean compilerBusy() {
        if (queueUnavailable) {
            return false;
        }
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerQueue",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return out instanceof String q && busyFrom(q);
        } catch (Exception | LinkageError e) {
            queueUnavailable = true; // not HotSpot, or management not available: timings alone decide
            return false;
        }
    }

    /**
     * Runs {@code action} in batches of at least 1 ms for at least {@code minCalls} calls and
     * {@code minNanos}, then until neither a faster batch (per call, by more than {@link #GAIN}) nor
     * a change of {@code compileMillis} has been seen for {@link #QUIET_NANOS}; never longer than
     * {@code maxNanos} once the minimum is done.
     *
     * @return {nanoseconds spent, calls made}
     */
    static long[] untilSteady(Runnable action, LongSupplier compileMillis, int minCalls, long minNanos, long maxNanos) {
        return untilSteady(action, compileMillis, System::nanoTime, minCalls, minNanos, maxNanos);
    }

    /** As above with an explicit clock (for tests). */
    static long[] untilSteady(Runnable action, LongSupplier compileMillis, LongSupplier clock,
                              int minCalls, long minNanos, long maxNanos) {
        long t0 = clock.getAsLong();
        long compiled = compileMillis.getAsLong();
        long quietSince = t0;
        double best = Double.MAX_VALUE;
        long calls = 0;
        int batch = 1;
        while (true) {
            long b0 = clock.getAsLong();
            for (int i = 0; i < batch; i++) {
                action.run();
            }
            calls += batch;
            long now = clock.getAsLong();
            double perCall = (now - b0) / (double) batch;
            if (now - b0 < 1_000_000L && batch < (1 << 20)) {
                batch *= 2;
            }
            long c = compileMillis.getAsLong();
            if (c != compiled || perCall < best * (1 - GAIN)) {
                quietSince = now;
            }
            compiled = c;
            best = Math.min(best, perCall);
            long elapsed = now - t0;
            boolean minimumDone = calls >= minCalls && elapsed >= minNanos;
            if (minimumDone && (now - quietSince >= QUIET_NANOS || elapsed >= maxNanos)) {
                return new long[] {elapsed, calls};
            }
        }
    }

    private static long compileMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }
}
