package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;

/**
 * The user's service as a plain sequential specification, against which the simulator checks
 * that what clients saw of the replicated service is linearizable (Herlihy &amp; Wing): there is
 * one order of all operations, consistent with real time, in which every result is the model's.
 * States should be immutable values (or copies): the checker keeps the state after every command.
 *
 * @param <S> the model's state
 */
public interface SequentialModel<S> {

    /**
     * The result of applying one command: the next state and what the command returns.
     *
     * @param state  the next state
     * @param result what the command returns
     * @param <S>    the model's state
     */
    record Step<S>(S state, Bytes result) {
    }

    /** {@return the state of an empty service} */
    S initial();

    /**
     * Applies {@code command} to {@code state}; must not modify {@code state}. {@code index} is the
     * log index the replicas applied it at, for services whose results name it (most ignore it).
     *
     * @param state   the state before
     * @param index   the log index of the command
     * @param command the command
     * @return the next state and the result
     */
    Step<S> apply(S state, long index, Bytes command);

    /**
     * What the state machine's {@code read} of {@code query} returns in {@code state}.
     *
     * @param state the state
     * @param query the query
     * @return the answer
     */
    Bytes read(S state, Bytes query);
}
