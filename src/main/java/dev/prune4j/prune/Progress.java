package dev.prune4j.prune;

/** Receives progress of long pruning runs (the CLI shows a bar with ETA on stderr). */
public interface Progress {
    /** {@code done} of {@code total} steps finished; {@code what} names the current step. */
    void step(long done, long total, String what);

    Progress NONE = (d, t, w) -> { };
}
