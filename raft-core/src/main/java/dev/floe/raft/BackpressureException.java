package dev.floe.raft;

/**
 * The server refused a request because too much work is pending (requests in flight, proposals
 * not yet committed, or committed entries not yet applied). The request was <b>not</b> taken:
 * back off and retry.
 */
public final class BackpressureException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what was refused and which limit was reached
     */
    public BackpressureException(String message) {
        super(message, null, false, false);
    }
}
