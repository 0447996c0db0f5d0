package dev.prune4j.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ParallelTest {
    @AfterEach
    void restore() {
        Parallel.setThreads(Parallel.maxThreads());
    }

    @Test
    void everyIndexRunsOnceAndNestedForksRunInlineOnTheThreadThatMadeThem() {
        assumeTrue(Parallel.maxThreads() >= 2, "needs at least 2 kernel threads");
        Parallel.setThreads(2);
        int n = 1000;
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        ConcurrentHashMap<Thread, Boolean> outerThreads = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, Boolean> nestedOffThread = new ConcurrentHashMap<>();
        Parallel.forRange(n, 10, Long.MAX_VALUE / 4, (from, to) -> {
            Thread outer = Thread.currentThread();
            outerThreads.put(outer, true);
            // a nested region worth forking: it must run whole, inline, on this thread
            int[] calls = new int[1];
            Parallel.forRange(to - from, 1, Long.MAX_VALUE / 4, (a, b) -> {
                calls[0]++;
                if (Thread.currentThread() != outer || a != 0 || b != to - from) {
                    nestedOffThread.put(outer.getName() + " [" + a + ", " + b + ")", true);
                }
                for (int i = from + a; i < from + b; i++) {
                    seen.incrementAndGet(i);
                }
            });
            assertEquals(1, calls[0], "nested region split");
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "index " + i);
        }
        assertEquals(2, outerThreads.size(), "the outer region used both threads");
        assertTrue(nestedOffThread.isEmpty(), "nested parts ran elsewhere or split: " + nestedOffThread.keySet());
        // after the region, the calling thread forks again
        ConcurrentHashMap<Thread, Boolean> again = new ConcurrentHashMap<>();
        Parallel.forRange(n, 10, Long.MAX_VALUE / 4, (from, to) -> again.put(Thread.currentThread(), true));
        assertEquals(2, again.size(), "a later region forks again");
    }
}
