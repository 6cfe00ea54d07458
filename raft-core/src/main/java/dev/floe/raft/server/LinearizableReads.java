package dev.floe.raft.server;

import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.ReadState;
import dev.floe.raft.core.Ready;
import java.util.HashMap;
import java.util.Map;

/**
 * The server's half of ReadIndex (thesis §6.4), on the consensus thread: gives each read an id,
 * asks the core to confirm it, and turns the core's answers into work for the applier (serve once
 * the read index is applied) or a failure. The only place that knows the core's read API.
 */
final class LinearizableReads {
    /** What to do with an answered read. */
    interface Outcome {
        /** Leadership was confirmed: serve {@code read} once {@code readIndex} is applied. */
        void confirmed(PendingRead read, long readIndex);

        /** No leader could confirm it. */
        void rejected(PendingRead read, ReadState.Rejected rejection);
    }

    private final Map<Long, PendingRead> waiting = new HashMap<>();
    private long nextId = 1;

    /** Starts {@code read} in the core. */
    void request(RaftNode node, PendingRead read) {
        read.requestId = nextId++;
        waiting.put(read.requestId, read);
        node.readIndex(read.requestId);
    }

    /** Dispatches the read answers of {@code ready}; answers to forgotten reads are dropped. */
    void onReady(Ready ready, Outcome outcome) {
        for (ReadState state : ready.readStates()) {
            PendingRead read = waiting.remove(state.requestId());
            if (read == null || read.settled()) continue;
            if (state instanceof ReadState.Ready ok) {
                outcome.confirmed(read, ok.readIndex());
            } else if (state instanceof ReadState.Rejected rejected) {
                outcome.rejected(read, rejected);
            }
        }
    }

    /** {@code read} timed out; its late answer, if any, will be dropped. */
    void forget(PendingRead read) {
        waiting.remove(read.requestId);
    }

    /** Shutdown: every read still waiting for the core. */
    Iterable<PendingRead> waiting() {
        return waiting.values();
    }
}
