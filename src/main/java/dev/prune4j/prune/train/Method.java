package dev.prune4j.prune.train;

/** A training-time pruning method: a short algorithm over a {@link Session}. */
public interface Method {
    /** Runs the method, recording its measurements in the session. */
    void run(Session s);

    /** A one-line description with the method's parameters, for reports. */
    String describe();
}
