package dev.floe.raft;

/**
 * A leadership transfer (thesis §3.10) was refused or did not happen; the leader that was asked
 * still leads (or, for {@link Reason#INVALID} and {@link Reason#IN_PROGRESS}, nothing changed at
 * all). Not-leader refusals are {@link NotLeaderException} instead.
 */
public final class LeadershipTransferException extends RuntimeException {
    /** Why leadership did not move. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why leadership did not move
     * @param detail the particulars, for the message
     */
    public LeadershipTransferException(Reason reason, String detail) {
        super(reason.description + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** {@return why leadership did not move} */
    public Reason reason() {
        return reason;
    }

    /** Why leadership did not move. */
    public enum Reason {
        /** The target is not a voter (unknown, a learner) or already leads. */
        INVALID("invalid leadership transfer"),
        /** Another transfer is in progress. */
        IN_PROGRESS("another leadership transfer is in progress"),
        /**
         * The target did not take over within an election timeout (it is down, cut off or too far
         * behind): the leader resumed taking proposals.
         */
        ABORTED("leadership transfer aborted");

        private final String description;

        Reason(String description) {
            this.description = description;
        }
    }
}
