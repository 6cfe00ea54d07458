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

    /** {@return the defaults given above} */
    public static InboundLimits defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults; the same as {@code defaults().toBuilder()}.
     *
     * @return a builder holding the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these limits} */
    public Builder toBuilder() {
        return new Builder().preHandshakeFrameBytes(preHandshakeFrameBytes).untrusted(untrustedPerSource, untrustedTotal)
                .bufferBytes(bufferBytes);
    }

    /** Builds {@link InboundLimits}; limits that belong together are set together. Not thread-safe. */
    public static final class Builder {
        private int preHandshakeFrameBytes = 4 * 1024;
        private int untrustedPerSource = 16;
        private int untrustedTotal = 128;
        private long bufferBytes = 64L << 20;

        private Builder() {
        }

        /**
         * The largest frame accepted before the handshake.
         *
         * @param bytes see {@link InboundLimits#preHandshakeFrameBytes()}
         * @return this builder
         */
        public Builder preHandshakeFrameBytes(int bytes) {
            preHandshakeFrameBytes = bytes;
            return this;
        }

        /**
         * How many connections without a completed handshake are accepted at once.
         *
         * @param perSource see {@link InboundLimits#untrustedPerSource()}
         * @param total     see {@link InboundLimits#untrustedTotal()}
         * @return this builder
         */
        public Builder untrusted(int perSource, int total) {
            untrustedPerSource = perSource;
            untrustedTotal = total;
            return this;
        }

        /**
         * The budget of incomplete frames across all connections.
         *
         * @param bytes see {@link InboundLimits#bufferBytes()}
         * @return this builder
         */
        public Builder bufferBytes(long bytes) {
            bufferBytes = bytes;
            return this;
        }

        /**
         * Checks and builds the limits.
         *
         * @return the limits
         * @throws IllegalArgumentException naming the first invalid limit
         */
        public InboundLimits build() {
            return new InboundLimits(preHandshakeFrameBytes, untrustedPerSource, untrustedTotal, bufferBytes);
        }
    }
}
