package dev.floe.raft;

/**
 * The server is closed (or closing, or stopped after a fatal error) and did not take the request.
 * A command refused with this exception was not handed to the log; commands already in the log when
 * the server closed fail with {@link OutcomeUnknownException} instead.
 */
public final class ServerClosedException extends RuntimeException {

    /**
     * Creates the exception.
     *
     * @param message what could not be done
     */
    public ServerClosedException(String message) {
        super(message, null, false, false);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what could not be done
     * @param cause   why the server stopped
     */
    public ServerClosedException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
