package dev.floe.raft;

import java.util.Optional;

/**
 * The member asked is not the leader, so it did not take the request: a command refused with this
 * exception was <b>not</b> applied and can be retried safely, at {@link #leader()} when it is known
 * (at the client-facing {@link #leaderEndpoint()} when that is configured too).
 *
 * <p>Also used when a command was accepted by a leader that lost its leadership before the command
 * committed and another entry is now committed at its position: the command was definitely not
 * applied.
 */
public final class NotLeaderException extends RuntimeException {
    private final transient Optional<NodeId> leader;
    private final transient Optional<Endpoint> leaderEndpoint;

    /**
     * Creates the exception.
     *
     * @param self           the member that refused
     * @param leader         the leader, when {@code self} knows it
     * @param leaderEndpoint the leader's client address, when known
     * @param detail         what was refused
     */
    public NotLeaderException(NodeId self, Optional<NodeId> leader, Optional<Endpoint> leaderEndpoint, String detail) {
        super(message(self, leader, leaderEndpoint, detail), null, false, false);
        this.leader = leader;
        this.leaderEndpoint = leader.isPresent() ? leaderEndpoint : Optional.empty();
    }

    private static String message(NodeId self, Optional<NodeId> leader, Optional<Endpoint> endpoint, String detail) {
        String where = leader.map(l -> "the leader is " + l + endpoint.map(e -> " at " + e).orElse(""))
                .orElse("no leader is known");
        return self + " is not the leader (" + detail + "); " + where;
    }

    /** {@return the leader's id, when this member knows it} */
    public Optional<NodeId> leader() {
        return leader;
    }

    /** {@return the address the leader serves clients on, when the leader and its address are known} */
    public Optional<Endpoint> leaderEndpoint() {
        return leaderEndpoint;
    }
}
