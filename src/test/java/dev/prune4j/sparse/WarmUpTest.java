package dev.prune4j.sparse;

import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up's stopping rule, on a simulated clock: each "call" advances it by a scripted cost. */
class WarmUpTest {
    /** A fake kernel: each call costs {@code costAt(t)} simulated nanoseconds. */
    private static final class Sim {
        long now;
        long compiled;
        long calls;

        Runnable call(java.util.function.LongUnaryOperator costAt) {
            return () -> {
                now += costAt.applyAsLong(now);
                calls++;
            };
        }

        LongSupplier clock() {
            return () -> now;
        }
    }

    @Test
    void aSteadyKernelStopsSoonAfterTheMinimum() {
        Sim s = new Sim();
        long[] r = WarmUp.untilSteady(s.call(t -> 100_000), () -> 7, s.clock(), 20, 20_000_000L, WarmUp.MAX_NANOS);
        assertEquals(s.now, r[0]);
        assertEquals(s.calls, r[1]);
        // nothing got faster and nothing compiled: it ends one quiet window after the first batch, plus a batch
        assertTrue(r[0] >= WarmUp.QUIET_NANOS && r[0] < WarmUp.QUIET_NANOS + 10_000_000L, "stopped after " + r[0] + " ns");
    }

    @Test
    void aKernelThatGetsFasterLateIsWarmedUntilAfterTheDrop() {
        // interpreted-speed calls (1 ms) for 2 simulated seconds, then compiled (50 µs): a fixed 20 ms
        // warm-up would time the slow version; the rule waits for the drop plus a quiet window
        Sim s = new Sim();
        long drop = 2_000_000_000L;
        long[] r = WarmUp.untilSteady(s.call(t -> t < drop ? 1_000_000 : 50_000), () -> 7, s.clock(), 20, 20_000_000L,
                WarmUp.MAX_NANOS);
        // the slow phase is steady for longer than the quiet window, so the rule alone cannot see the
        // drop coming: it stops in the slow phase unless the compiler reports work
        assertTrue(r[0] < drop, "without a compiler signal the steady slow phase ends the warm-up: " + r[0]);

        Sim s2 = new Sim();
        // the compiler keeps finishing compilations (its counter moves every 100 ms) until the drop
        LongSupplier jit = () -> s2.now < drop ? s2.now / 100_000_000L : drop / 100_000_000L;
        long[] r2 = WarmUp.untilSteady(s2.call(t -> t < drop ? 1_000_000 : 50_000), jit, s2.clock(), 20, 20_000_000L,
                WarmUp.MAX_NANOS);
        assertTrue(r2[0] >= drop + WarmUp.QUIET_NANOS, "warmed past the compiled drop: " + r2[0]);
        assertTrue(r2[0] < drop + WarmUp.QUIET_NANOS + 10_000_000L, "and stopped a quiet window after it: " + r2[0]);
    }

    @Test
    void theMinimumDurationHoldsAndTheCapEndsANeverQuietCompiler() {
        Sim s = new Sim();
        long[] r = WarmUp.untilSteady(s.call(t -> 100_000), () -> 7, s.clock(), 20, 1_000_000_000L, WarmUp.MAX_NANOS);
        assertTrue(r[0] >= 1_000_000_000L && r[0] < 1_010_000_000L, "minimum of 1 s held: " + r[0]);

        Sim s2 = new Sim();
        long[] r2 = WarmUp.untilSteady(s2.call(t -> 100_000), () -> s2.now, s2.clock(), 20, 20_000_000L, 2_000_000_000L);
        assertTrue(r2[0] >= 2_000_000_000L && r2[0] < 2_010_000_000L, "capped at 2 s: " + r2[0]);
    }

    @Test
    void fewCallsOfASlowActionStillMeetTheCallMinimum() {
        Sim s = new Sim();
        long[] r = WarmUp.untilSteady(s.call(t -> 400_000_000L), () -> 7, s.clock(), 3, 0, WarmUp.MAX_NANOS);
        assertTrue(r[1] >= 3, "calls: " + r[1]);
    }

    @Test
    void theJvmCompilerCounterIsMonitoredHere() {
        // HotSpot reports compilation time; where a JVM does not, the rule falls back to timings alone (−1 never changes)
        long c = WarmUp.JVM_COMPILER.getAsLong();
        assertTrue(c >= 0, "compilation time: " + c);
    }

    @Test
    void theCompileQueueIsReadAsJcmdPrintsIt() {
        String idle = "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n\n";
        String compiling = "Current compiles: \nC2 CompilerThread0  2296 %     4       dev.prune4j.sparse.WarmUp::untilSteady @ 42 (231 bytes)\n\n"
                + "C1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n";
        String queued = "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
                + "2330       4       java.util.stream.AbstractPipeline::<init> (76 bytes)\n";
        assertEquals(false, WarmUp.busyFrom(idle));
        assertEquals(true, WarmUp.busyFrom(compiling));
        assertEquals(true, WarmUp.busyFrom(queued));
    }

    @Test
    void awaitIdleWaitsForTheCompilerAndGivesUpAtItsLimit() {
        long[] polls = {0};
        assertTrue(WarmUp.awaitIdle(() -> ++polls[0] < 4, 5_000_000_000L));
        assertEquals(4, polls[0], "polled until idle");
        long t0 = System.nanoTime();
        assertEquals(false, WarmUp.awaitIdle(() -> true, 50_000_000L));
        assertTrue(System.nanoTime() - t0 >= 50_000_000L, "waited its limit before giving up");
        // this JVM answers the query (HotSpot); after the warm-up of a test run it settles to idle
        assertTrue(WarmUp.awaitIdle(WarmUp.JVM_COMPILER_BUSY, 30_000_000_000L), "the JIT went idle within 30 s");
    }
}
