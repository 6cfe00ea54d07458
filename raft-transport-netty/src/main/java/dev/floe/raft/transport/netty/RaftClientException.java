package dev.floe.raft.transport.netty;

/**
 * A {@link RaftClient} request failed for a reason that retrying elsewhere would not fix, or that
 * is not the cluster's: the member answered with an error (for example the state machine's query
 * failed, or the handshake was refused for a wrong cluster id), no member could be reached within
 * the retry budget, or the client was closed. The message names the reason. A command failed with
 * this exception was not applied unless the message says the client was closed after sending it.
 */
public final class RaftClientException extends RuntimeException {
    /**
     * Creates the exception.
     *
     * @param message the reason
     */
    public RaftClientException(String message) {
        super(message, null, false, false);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message the reason
     * @param cause   the underlying failure
     */
    public RaftClientException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
