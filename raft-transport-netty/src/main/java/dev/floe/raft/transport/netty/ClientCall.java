package dev.floe.raft.transport.netty;

import dev.floe.raft.Bytes;
import dev.floe.raft.ReadConsistency;
import java.util.concurrent.CompletableFuture;

/**
 * One request of a {@link RaftClient} across its attempts. Fields other than the final ones are
 * touched only by the client's event loop.
 */
final class ClientCall {
    enum Kind { SUBMIT, QUERY }

    final Kind kind;
    final Bytes payload;
    /** A query's consistency; LINEARIZABLE for a command. */
    final ReadConsistency consistency;
    /**
     * The command's number in the client's session, assigned by the event loop at its first attempt
     * (so numbers follow send order); 0 for a query and before that. Every retry carries it.
     */
    long sequence;
    final CompletableFuture<Bytes> future = new CompletableFuture<>();

    int attempts;
    long requestId;
    long deadlineNanos;
    /** An attempt may have reached a leader's log: it was sent and never definitely refused. */
    boolean maybeApplied;
    /** Why the latest attempt was definitely not taken, when that is what happened. */
    RuntimeException lastRefusal;
    /** Why the latest attempt's outcome is unknown, when that is what happened. */
    String lastUnknown;

    ClientCall(Kind kind, Bytes payload, ReadConsistency consistency) {
        this.kind = kind;
        this.payload = payload;
        this.consistency = consistency;
    }
}
