package dev.floe.raft;

import java.io.IOException;

/**
 * Stable storage for the {@link HardState} (current term and vote), kept apart from the log
 * because it is tiny and rewritten whole. {@link #save} must be atomic (a crash leaves the old or
 * the new state, never a mix) and durable when it returns: a vote is answered only after it is
 * durable (Raft paper §5.2, Figure 2: "updated on stable storage before responding to RPCs").
 * Called from one thread at a time.
 */
public interface HardStateStore extends AutoCloseable {

    /**
     * The last saved state, or {@link HardState#INITIAL} for a node that never saved one.
     *
     * @return the saved state
     * @throws IOException if the state cannot be read, or is damaged
     */
    HardState load() throws IOException;

    /**
     * Replaces the saved state atomically and durably.
     *
     * @param state the state to keep
     * @throws IOException if it cannot be made durable; the previous state is then still the saved one
     */
    void save(HardState state) throws IOException;

    @Override
    default void close() throws IOException {
    }
}
