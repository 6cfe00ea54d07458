package dev.floe.raft;

/**
 * A command was handed to the log but its fate could not be learnt in time (the submit timeout
 * passed, or the server closed first): it may or may not be applied, now or later. Retrying it
 * blindly may apply it twice unless the command is idempotent (or deduplicated by a client id and
 * sequence number).
 */
public final class OutcomeUnknownException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what is unknown and why
     */
    public OutcomeUnknownException(String message) {
        super(message, null, false, false);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what is unknown and why
     * @param cause   the failure that left the outcome unknown
     */
    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
