package dev.floe.raft;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The user's replicated service. Floe applies every committed command to it, in log order, on
 * every member; as long as {@link #apply} is deterministic, every member's state is the same
 * after the same index (Raft paper §5.3, State Machine Safety).
 *
 * <h2>Threads</h2>
 * All methods are called from one applier thread per server, never concurrently, and never from
 * the consensus thread (a slow state machine cannot delay heartbeats). {@link #read} runs on the
 * same thread, so it sees a state between two commands.
 */
public interface StateMachine {

    /**
     * Applies the command committed at {@code index} and returns its result, which is sent back to
     * the client that submitted it. Must be deterministic: same state and command, same result and
     * next state, on every member. An exception thrown here is a bug in the state machine; it stops
     * the server rather than letting replicas diverge.
     *
     * @param index   the command's log index (increasing from one call to the next)
     * @param command the command, as submitted
     * @return the result for the client
     */
    Bytes apply(long index, Bytes command);

    /**
     * Answers a read-only query against the current state; must not change state.
     *
     * @param query the query, as passed to {@code read}
     * @return the answer
     */
    Bytes read(Bytes query);

    /**
     * Writes the state as of the last applied index to {@code out} (Raft paper §7). Floe records the
     * index, term and configuration itself. Must not change state.
     *
     * @param out where to write the state
     * @throws IOException if writing fails
     */
    void writeSnapshot(OutputStream out) throws IOException;

    /**
     * Replaces the whole state with the one written by {@link #writeSnapshot}.
     *
     * @param in the state, as {@link #writeSnapshot} wrote it
     * @throws IOException if the state cannot be read
     */
    void restoreSnapshot(InputStream in) throws IOException;
}
