package dev.prune4j.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The kernel thread pool: sized to the cores (or {@code -Dprune4j.threads} /
 * {@code PRUNE4J_THREADS}), with daemon threads. Work estimated below {@link #MIN_PARALLEL_NANOS}
 * stays on the calling thread, because handing work to another thread costs tens of
 * microseconds (measured, see PERF_NOTES). Regions do not nest: a fork from inside a region's
 * body (on a pool thread or on the calling thread) runs inline.
 */
public final class Parallel {
    /** Work below ≈200 µs runs on the calling thread. */
    public static final long MIN_PARALLEL_NANOS = 200_000;

    private static final int CORES = configuredThreads();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(Math.max(1, CORES - 1), KernelThread::new);
    private static volatile int threads = CORES;
    /**
     * True on a calling thread while it runs its own part of a parallel region: a nested fork
     * from there would queue behind the region's other parts on the busy pool and wait, so it
     * runs inline instead (as on the pool threads).
     */
    private static final ThreadLocal<boolean[]> IN_REGION = ThreadLocal.withInitial(() -> new boolean[1]);

    /** A range body: process indices [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** A pool thread; work submitted from one runs inline (a nested fork could wait on itself). */
    private static final class KernelThread extends Thread {
        KernelThread(Runnable r) {
            super(r, "prune4j-kernel");
            setDaemon(true);
        }
    }

    private static int configuredThreads() {
        String p = System.getProperty("prune4j.threads");
        if (p == null) {
            p = System.getenv("PRUNE4J_THREADS");
        }
        if (p != null && !p.isBlank()) {
            try {
                int n = Integer.parseInt(p.trim());
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("prune4j.threads / PRUNE4J_THREADS must be a positive integer, found '" + p + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Threads kernels use now. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels use (1 … the configured maximum); for benchmarks. */
    public static void setThreads(int n) {
        if (n < 1 || n > CORES) {
            throw new IllegalArgumentException("threads must be in [1, " + CORES + "], found " + n);
        }
        threads = n;
    }

    /** The configured maximum number of threads. */
    public static int maxThreads() {
        return CORES;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks, each a
     * multiple of {@code grain} (except the last); on the calling thread alone when
     * {@code estimatedNanos} is below {@link #MIN_PARALLEL_NANOS} or one thread is configured.
     */
    public static void forRange(int n, int grain, long estimatedNanos, RangeBody body) {
        int t = threads;
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        int units = (n + g - 1) / g;
        int parts = Math.min(t, units);
        if (parts <= 1 || estimatedNanos < MIN_PARALLEL_NANOS || Thread.currentThread() instanceof KernelThread) {
            body.run(0, n);
            return;
        }
        boolean[] inRegion = IN_REGION.get();
        if (inRegion[0]) {
            body.run(0, n);
            return;
        }
        int perPart = (units + parts - 1) / parts;
        CountDownLatch done = new CountDownLatch(parts - 1);
        AtomicReference<Throwable> error = new AtomicReference<>();
        for (int p = 1; p < parts; p++) {
            int from = Math.min(n, p * perPart * g);
            int to = Math.min(n, (p + 1) * perPart * g);
            POOL.execute(() -> {
                try {
                    if (from < to) {
                        body.run(from, to);
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        inRegion[0] = true;
        try {
            body.run(0, Math.min(n, perPart * g));
        } catch (Throwable e) {
            error.compareAndSet(null, e);
        } finally {
            inRegion[0] = false;
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for kernel threads", e);
        }
        Throwable e = error.get();
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error er) {
            throw er;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
    }
}
