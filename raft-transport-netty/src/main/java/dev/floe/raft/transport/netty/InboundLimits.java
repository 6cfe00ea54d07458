package dev.floe.raft.transport.netty;

/**
 * What an accepting port spends on connections it does not trust yet, and on frames overall
 * (docs/security.md, "Bounded before trust").
 *
 * <p>Until its handshake is accepted, a connection is untrusted: its frames may be at most
 * {@code preHandshakeFrameBytes} long (a handshake needs a few hundred bytes), and only
 * {@code untrustedPerSource} such connections per remote address and {@code untrustedTotal} in all
 * are accepted at once; more are closed at accept. A connection that does not finish its handshake
 * within the port's handshake timeout is closed. Across all connections of the port, frames being
 * received may hold at most {@code bufferBytes} (counted by their announced length while incomplete);
 * a connection whose frame would exceed it is closed. So the memory unauthenticated peers can
 * pin is about {@code untrustedTotal x preHandshakeFrameBytes}, and everything together stays
 * under {@code bufferBytes} plus one socket read per connection.
 *
 * @param preHandshakeFrameBytes largest frame accepted before the handshake (default 4 KiB)
 * @param untrustedPerSource     connections without a completed handshake per remote IP address (default 16)
 * @param untrustedTotal         connections without a completed handshake in all (default 128)
 * @param bufferBytes            bytes of incomplete frames held across all connections (default 64 MiB)
 */
public record InboundLimits(int preHandshakeFrameBytes, int untrustedPerSource, int untrustedTotal, long bufferBytes) {
    /** The defaults given above. */
    public static final InboundLimits DEFAULT = new InboundLimits(4 * 1024, 16, 128, 64L << 20);

    /**
     * Checks the limits.
     *
     * @param preHandshakeFrameBytes largest frame accepted before the handshake (default 4 KiB)
     * @param untrustedPerSource     connections without a completed handshake per remote IP address (default 16)
     * @param untrustedTotal         connections without a completed handshake in all (default 128)
     * @param bufferBytes            bytes of incomplete frames held across all connections (default 64 MiB)
     * @throws IllegalArgumentException naming the invalid limit
     */
    public InboundLimits {
        if (preHandshakeFrameBytes < 512) {
            throw new IllegalArgumentException("preHandshakeFrameBytes must be at least 512: " + preHandshakeFrameBytes);
        }
        if (untrustedPerSource < 1) throw new IllegalArgumentException("untrustedPerSource must be positive: " + untrustedPerSource);
        if (untrustedTotal < untrustedPerSource) {
            throw new IllegalArgumentException("untrustedTotal " + untrustedTotal + " must be at least untrustedPerSource " + untrustedPerSource);
        }
        if (bufferBytes < preHandshakeFrameBytes) throw new IllegalArgumentException("bufferBytes must hold a handshake: " + bufferBytes);
    }
}
