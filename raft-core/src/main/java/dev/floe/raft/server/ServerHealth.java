package dev.floe.raft.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link RaftServer} is serving, for health checks and supervisors: {@link RaftServer#health()}.
 *
 * <ul>
 *   <li>{@link State#NEW}: built, not started;</li>
 *   <li>{@link State#RUNNING}: started and taking part in the group;</li>
 *   <li>{@link State#REPAIRING}: running, but its storage showed it lost durable state it had
 *       promised (for example its hard-state file), so it does not vote or campaign until it has
 *       caught up with a leader ({@code docs/operations.md}, "storage faults and recovery");</li>
 *   <li>{@link State#STOPPED}: closed; with a {@link #cause()} when it stopped by itself after a fatal
 *       error (a log or hard-state write failed, the state machine threw, an invariant broke). A
 *       supervisor should restart the process then: see {@link RaftServer.Builder#onFatal}.</li>
 * </ul>
 *
 * @param state   where the server is in its life
 * @param problem what went wrong, in words; empty unless stopped after a fatal error or repairing
 * @param cause   the fatal error; empty unless stopped after one
 */
public record ServerHealth(State state, Optional<String> problem, Optional<Throwable> cause) {
    /** Where a server is in its life. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Started and taking part in the group. */
        RUNNING,
        /** Running, but not voting or campaigning until it has caught up with a leader. */
        REPAIRING,
        /** Closed, or stopped by itself after a fatal error. */
        STOPPED
    }

    /**
     * Checks that no component is null.
     *
     * @param state   where the server is in its life
     * @param problem what went wrong, in words; empty unless stopped after a fatal error or repairing
     * @param cause   the fatal error; empty unless stopped after one
     */
    public ServerHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(cause, "cause");
    }

    static ServerHealth of(State state) {
        return new ServerHealth(state, Optional.empty(), Optional.empty());
    }

    static ServerHealth repairing() {
        return new ServerHealth(State.REPAIRING, Optional.of("its durable state was damaged or older than what it had promised;"
                + " it does not vote until it has caught up with the leader"), Optional.empty());
    }

    static ServerHealth failed(String what, Throwable cause) {
        return new ServerHealth(State.STOPPED, Optional.of(what + ": " + cause), Optional.of(cause));
    }

    /** {@return whether the server serves requests (running, repairing included)} */
    public boolean isServing() {
        return state == State.RUNNING || state == State.REPAIRING;
    }

    /** {@return whether it stopped by itself after a fatal error} */
    public boolean isFailed() {
        return state == State.STOPPED && cause.isPresent();
    }
}
