package dev.floe.raft;

/**
 * The server is closed (or closing, or stopped after a fatal error) and did not take the request.
 * A command refused with this exception was not handed to the log; commands already in the log when
 * the server closed fail with {@link OutcomeUnknownException} instead.
 */
public final class ServerClosedException extends RuntimeException {

    public ServerClosedException(String message) {
        super(message, null, false, false);
    }

    public ServerClosedException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
