package dev.floe.raft;

/**
 * A command submitted in a client session (thesis §6.3) was refused because the session expired:
 * the client was inactive longer than the configured session expiry, measured in log time (the
 * leaders' clocks stamped into the log, so every replica decides the same). The command was
 * <b>not</b> applied. The server no longer knows which of the client's earlier commands were
 * applied, so the client cannot safely retry them; it must start a new session (a new client id)
 * and reconcile its state, for example with a read.
 */
public final class SessionExpiredException extends RuntimeException {
    /** The client whose session expired. */
    private final String clientId;
    /** The sequence number of the refused command. */
    private final long sequence;

    /**
     * Creates the exception.
     *
     * @param clientId the client whose session expired
     * @param sequence the sequence number of the refused command
     * @param detail   the particulars, for the message
     */
    public SessionExpiredException(String clientId, long sequence, String detail) {
        super("session of client '" + clientId + "' expired; command " + sequence + " was not applied (" + detail + ")",
                null, false, false);
        this.clientId = clientId;
        this.sequence = sequence;
    }

    /** {@return the client whose session expired} */
    public String clientId() {
        return clientId;
    }

    /** {@return the sequence number of the refused command} */
    public long sequence() {
        return sequence;
    }
}
