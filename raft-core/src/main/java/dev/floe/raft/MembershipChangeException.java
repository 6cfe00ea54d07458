package dev.floe.raft;

/**
 * A membership change ({@code addLearner}, {@code promoteLearner}, {@code addVoter},
 * {@code removeMember}, {@code changeMembers}) was refused or given up, and the membership is as
 * {@link #reason()} explains. A refused request changed nothing; see each reason for what a
 * give-up left behind. Not-leader refusals are {@link NotLeaderException} instead.
 */
public final class MembershipChangeException extends RuntimeException {
    /** Why the change did not happen. */
    private final Reason reason;

    /**
     * Creates the exception.
     *
     * @param reason why the change did not happen
     * @param detail the particulars, for the message
     */
    public MembershipChangeException(Reason reason, String detail) {
        super(reason.description + ": " + detail, null, false, false);
        this.reason = reason;
    }

    /** {@return why the change did not happen} */
    public Reason reason() {
        return reason;
    }

    /** Why a membership change did not happen. */
    public enum Reason {
        /**
         * Another change (or a leadership transfer) is in progress, or a new leader has not yet
         * committed an entry of its term (thesis §4.1: one change at a time). Nothing changed; retry shortly.
         */
        CHANGE_IN_PROGRESS("another membership change is in progress"),
        /**
         * The request is not allowed: unknown id, duplicate id or address, removing the last voter,
         * or a target equal to the current membership. Nothing changed; do not retry as is.
         */
        INVALID("invalid membership change"),
        /**
         * A learner was not brought up to date within the bound before being promoted (thesis
         * §4.2.1): it stays a learner. Check that it runs and is reachable, then promote it again.
         */
        NOT_CAUGHT_UP("the learner did not catch up");

        private final String description;

        Reason(String description) {
            this.description = description;
        }
    }
}
