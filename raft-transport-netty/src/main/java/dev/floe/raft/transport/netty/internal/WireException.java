package dev.floe.raft.transport.netty.internal;

/**
 * A frame or value that does not follow the wire protocol. The connection that carried it is closed;
 * the exception never reaches the consensus core.
 */
public final class WireException extends Exception {
    public WireException(String message) {
        super(message);
    }

    public WireException(String message, Throwable cause) {
        super(message, cause);
    }
}
