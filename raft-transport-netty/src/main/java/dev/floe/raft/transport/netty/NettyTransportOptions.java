package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of a {@link NettyTransport}. Build one with {@link #builder}; every value has a
 * default except the cluster id, this node's id and the listen endpoint.
 *
 * @param clusterId          both ends of a connection must agree on it (the handshake checks)
 * @param self               this node
 * @param listen             where to accept peer connections; port 0 picks a free port
 * @param peers              the initial peers and where to dial them (more via {@code addPeer})
 * @param maxFrameBytes      the largest frame sent or accepted, length prefix excluded (default 16 MiB)
 * @param maxQueuedMessages  per-peer outbound queue bound in messages (default 4096)
 * @param maxQueuedBytes     per-peer outbound queue bound in {@code Message.sizeBytes()} (default 64 MiB)
 * @param connectTimeout     how long a dial may take (default 3 s)
 * @param handshakeTimeout   how long an accepted connection may stay silent before its handshake (default 5 s)
 * @param backoff            the wait between dials to an unreachable peer
 * @param ioThreads          event-loop threads shared by all connections (default min(4, cores))
 * @param preferNative       use native epoll when {@code Epoll.isAvailable()} (default true)
 * @param tls                TLS settings, or empty for plain TCP (loopback tests only: docs/security.md)
 * @param inbound            what untrusted connections and incomplete frames may cost (default {@link InboundLimits#defaults()});
 *                           its buffer budget must hold at least one frame of {@code maxFrameBytes}
 * @param dialVersion        the wire protocol version this node dials with (default 2, the current one; 1 while
 *                           upgrading a cluster from a release that speaks only 1: docs/transport.md). On a version 1
 *                           connection only the default group's messages travel, one per frame
 * @param heartbeatCoalescing how long a heartbeat request or response may wait for others to the same peer, so
 *                           that several groups' heartbeats leave in one frame (default zero: sent at once, as a
 *                           single group wants; 1-2 ms for a {@link NettyHostTransport} with many groups). Any other
 *                           message is sent at once and takes the waiting heartbeats with it
 */
public record NettyTransportOptions(String clusterId, NodeId self, Endpoint listen, Map<NodeId, Endpoint> peers,
                                   int maxFrameBytes, int maxQueuedMessages, long maxQueuedBytes,
                                   Duration connectTimeout, Duration handshakeTimeout, Backoff backoff,
                                   int ioThreads, boolean preferNative, Optional<TlsConfig> tls,
                                   InboundLimits inbound, int dialVersion,
                                   Duration heartbeatCoalescing) {

    /** The default {@code maxFrameBytes}: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
    /** The default {@code maxQueuedMessages}. */
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 4096;
    /** The default {@code maxQueuedBytes}: 64 MiB. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;

    /**
     * Validates every setting.
     *
     * @param clusterId          both ends of a connection must agree on it (the handshake checks)
     * @param self               this node
     * @param listen             where to accept peer connections; port 0 picks a free port
     * @param peers              the initial peers and where to dial them (more via {@code addPeer})
     * @param maxFrameBytes      the largest frame sent or accepted, length prefix excluded (default 16 MiB)
     * @param maxQueuedMessages  per-peer outbound queue bound in messages (default 4096)
     * @param maxQueuedBytes     per-peer outbound queue bound in {@code Message.sizeBytes()} (default 64 MiB)
     * @param connectTimeout     how long a dial may take (default 3 s)
     * @param handshakeTimeout   how long an accepted connection may stay silent before its handshake (default 5 s)
     * @param backoff            the wait between dials to an unreachable peer
     * @param ioThreads          event-loop threads shared by all connections (default min(4, cores))
     * @param preferNative       use native epoll when {@code Epoll.isAvailable()} (default true)
     * @param tls                TLS settings, or empty for plain TCP (loopback tests only: docs/security.md)
     * @param inbound            what untrusted connections and incomplete frames may cost (default {@link InboundLimits#defaults()}); its buffer budget must hold at least one frame of {@code maxFrameBytes}
     * @param dialVersion        the wire protocol version this node dials with: 1 or 2 (default 2)
     * @param heartbeatCoalescing how long a heartbeat may wait for others to the same peer, zero or positive (default zero)
     * @throws IllegalArgumentException naming the invalid setting
     */
    public NettyTransportOptions {
        Objects.requireNonNull(clusterId, "clusterId");
        if (clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(listen, "listen");
        peers = Map.copyOf(peers);
        if (peers.containsKey(self)) throw new IllegalArgumentException("peers must not contain self (" + self + ")");
        if (maxFrameBytes < 1024) throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
        if (maxQueuedMessages < 1) throw new IllegalArgumentException("maxQueuedMessages must be positive: " + maxQueuedMessages);
        if (maxQueuedBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxQueuedBytes " + maxQueuedBytes + " must hold at least one frame of " + maxFrameBytes);
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(backoff, "backoff");
        if (ioThreads < 1) throw new IllegalArgumentException("ioThreads must be positive: " + ioThreads);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(inbound, "inbound");
        if (inbound.bufferBytes() < maxFrameBytes) {
            throw new IllegalArgumentException("inbound buffer budget " + inbound.bufferBytes() + " must hold at least one frame of " + maxFrameBytes);
        }
        if (dialVersion < 1 || dialVersion > 2) throw new IllegalArgumentException("dialVersion must be 1 or 2: " + dialVersion);
        Objects.requireNonNull(heartbeatCoalescing, "heartbeatCoalescing");
        if (heartbeatCoalescing.isNegative()) throw new IllegalArgumentException("heartbeatCoalescing must not be negative: " + heartbeatCoalescing);
    }

    /**
     * A builder with the defaults, for node {@code self} of cluster {@code clusterId} listening on {@code listen}.
     *
     * @param clusterId the cluster's id
     * @param self      this node
     * @param listen    where to accept peer connections
     * @return the builder
     */
    public static Builder builder(String clusterId, NodeId self, Endpoint listen) {
        return new Builder(clusterId, self, listen);
    }

    /**
     * A builder holding these options, to change some of them.
     *
     * @return a builder with every option as here
     */
    public Builder toBuilder() {
        Builder b = new Builder(clusterId, self, listen);
        peers.forEach(b.peers::put);
        b.maxFrameBytes = maxFrameBytes;
        b.maxQueuedMessages = maxQueuedMessages;
        b.maxQueuedBytes = maxQueuedBytes;
        b.connectTimeout = connectTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.backoff = backoff;
        b.ioThreads = ioThreads;
        b.preferNative = preferNative;
        b.tls = tls;
        b.inbound = inbound;
        b.dialVersion = dialVersion;
        b.heartbeatCoalescing = heartbeatCoalescing;
        return b;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }

    /** Collects settings for a {@link NettyTransportOptions}; not thread-safe. */
    public static final class Builder {
        private final String clusterId;
        private final NodeId self;
        private final Endpoint listen;
        private final Map<NodeId, Endpoint> peers = new LinkedHashMap<>();
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private Backoff backoff = Backoff.defaults();
        private int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private boolean preferNative = true;
        private Optional<TlsConfig> tls = Optional.empty();
        private InboundLimits inbound = InboundLimits.defaults();
        private int dialVersion = 2;
        private Duration heartbeatCoalescing = Duration.ZERO;

        private Builder(String clusterId, NodeId self, Endpoint listen) {
            this.clusterId = clusterId;
            this.self = self;
            this.listen = listen;
        }

        /**
         * Adds one peer.
         *
         * @param id       the peer
         * @param endpoint where to dial it
         * @return this builder
         */
        public Builder peer(NodeId id, Endpoint endpoint) {
            peers.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(endpoint, "endpoint"));
            return this;
        }

        /**
         * Adds peers.
         *
         * @param all every peer and where to dial it
         * @return this builder
         */
        public Builder peers(Map<NodeId, Endpoint> all) {
            all.forEach(this::peer);
            return this;
        }

        /**
         * Sets {@code maxFrameBytes}.
         *
         * @param bytes see {@link NettyTransportOptions#maxFrameBytes()}
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /**
         * Sets {@code maxQueuedMessages}.
         *
         * @param messages see {@link NettyTransportOptions#maxQueuedMessages()}
         * @return this builder
         */
        public Builder maxQueuedMessages(int messages) {
            this.maxQueuedMessages = messages;
            return this;
        }

        /**
         * Sets {@code maxQueuedBytes}.
         *
         * @param bytes see {@link NettyTransportOptions#maxQueuedBytes()}
         * @return this builder
         */
        public Builder maxQueuedBytes(long bytes) {
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Sets {@code connectTimeout}.
         *
         * @param timeout see {@link NettyTransportOptions#connectTimeout()}
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets {@code handshakeTimeout}.
         *
         * @param timeout see {@link NettyTransportOptions#handshakeTimeout()}
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        /**
         * Sets {@code backoff}.
         *
         * @param policy see {@link NettyTransportOptions#backoff()}
         * @return this builder
         */
        public Builder backoff(Backoff policy) {
            this.backoff = policy;
            return this;
        }

        /**
         * Sets {@code ioThreads}.
         *
         * @param threads see {@link NettyTransportOptions#ioThreads()}
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /**
         * Sets {@code preferNative}.
         *
         * @param prefer see {@link NettyTransportOptions#preferNative()}
         * @return this builder
         */
        public Builder preferNative(boolean prefer) {
            this.preferNative = prefer;
            return this;
        }

        /**
         * Turns TLS on (see {@link NettyTransportOptions#tls()}).
         *
         * @param config the TLS settings
         * @return this builder
         */
        public Builder tls(TlsConfig config) {
            this.tls = Optional.of(config);
            return this;
        }

        /**
         * Sets {@code inbound}.
         *
         * @param limits see {@link NettyTransportOptions#inbound()}
         * @return this builder
         */
        public Builder inbound(InboundLimits limits) {
            this.inbound = limits;
            return this;
        }

        /**
         * Sets {@code dialVersion}.
         *
         * @param version see {@link NettyTransportOptions#dialVersion()}
         * @return this builder
         */
        public Builder dialVersion(int version) {
            this.dialVersion = version;
            return this;
        }

        /**
         * Sets {@code heartbeatCoalescing}.
         *
         * @param delay see {@link NettyTransportOptions#heartbeatCoalescing()}
         * @return this builder
         */
        public Builder heartbeatCoalescing(Duration delay) {
            this.heartbeatCoalescing = delay;
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the invalid setting
         */
        public NettyTransportOptions build() {
            return new NettyTransportOptions(clusterId, self, listen, peers, maxFrameBytes, maxQueuedMessages,
                    maxQueuedBytes, connectTimeout, handshakeTimeout, backoff, ioThreads, preferNative, tls, inbound,
                    dialVersion, heartbeatCoalescing);
        }
    }
}
