package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.transport.netty.internal.ClientRequestHandler;
import dev.floe.raft.transport.netty.internal.ConnectionGate;
import dev.floe.raft.transport.netty.internal.InboundBudget;
import dev.floe.raft.transport.netty.internal.FrameDecoder;
import dev.floe.raft.transport.netty.internal.GatedAcceptor;
import dev.floe.raft.transport.netty.internal.IoSetup;
import dev.floe.raft.transport.netty.internal.SslContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the client protocol (docs/client-protocol.md) of one member on its own port, the "client
 * address" the members advertise in {@code RaftServer.builder().members(...)}: decodes
 * {@link RaftClient} requests, calls {@link RaftServer#submit} and {@link RaftServer#read}, and
 * answers with the outcome, redirecting to the leader's client address when this member does not
 * lead.
 *
 * <p>Responses on a connection leave in the order the server completes the requests (for commands:
 * log order). A connection that breaks the protocol is closed with one log line; others are not
 * affected.
 *
 * <p>Security (docs/security.md): with {@link Builder#tls(TlsConfig)} the port speaks only mutual
 * TLS: a client must present a certificate that chains to the trusted certificates and, when
 * {@link Builder#authorizedClients(Set)} names clients, that names one of them (subject CN or a DNS
 * subject alternative name, as for members). Without TLS anyone who reaches the port can submit
 * commands: bind it to loopback or a trusted network.
 *
 * <p>Lifecycle: build, {@link #start()}, {@link #close()} once. The endpoint does not own the
 * server: close the endpoint first, then the server (requests the endpoint still holds are then
 * completed by the server and their answers dropped with the connection). Runs its own event-loop
 * threads, {@code floe-client-endpoint-<id>}; thread-safe.
 */
public final class RaftClientEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftClientEndpoint.class);

    private final String clusterId;
    private final NodeId self;
    private final Function<GroupId, Optional<RaftServer>> groups;
    private final Endpoint listen;
    private final int maxFrameBytes;
    private final Duration handshakeTimeout;
    private final int ioThreads;
    private final boolean preferNative;
    private final InboundLimits inbound;
    private final Optional<TlsConfig> tls;
    private final Set<String> authorizedClients;
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private EventLoopGroup group;
    private Channel channel;

    private RaftClientEndpoint(Builder b) {
        this.clusterId = b.clusterId;
        this.self = b.self;
        this.groups = b.groups;
        this.listen = b.listen;
        this.maxFrameBytes = b.maxFrameBytes;
        this.handshakeTimeout = b.handshakeTimeout;
        this.ioThreads = b.ioThreads;
        this.preferNative = b.preferNative;
        this.inbound = b.inbound;
        this.tls = b.tls;
        this.authorizedClients = Set.copyOf(b.authorizedClients);
        if (!authorizedClients.isEmpty() && tls.isEmpty()) {
            throw new IllegalArgumentException("authorizedClients needs tls: without TLS a client proves no name");
        }
        if (inbound.bufferBytes() < maxFrameBytes) {
            throw new IllegalArgumentException("inbound buffer budget " + inbound.bufferBytes() + " must hold at least one frame of " + maxFrameBytes);
        }
    }

    /**
     * A builder for the endpoint of {@code server} in cluster {@code clusterId}, listening on {@code listen} (port 0: any free port).
     *
     * @param clusterId the cluster's id, which clients must name
     * @param server    the server whose submit and read serve the clients
     * @param listen    where to accept clients
     * @return the builder
     */
    public static Builder builder(String clusterId, RaftServer server, Endpoint listen) {
        Objects.requireNonNull(server, "server");
        return new Builder(clusterId, server.id(), group -> group.equals(GroupId.DEFAULT) ? Optional.of(server) : Optional.empty(), listen);
    }

    /**
     * A builder for one endpoint serving the clients of every group of {@code host} (multi-Raft):
     * a client names its group in its handshake ({@code RaftClient.Builder.group}) and all its
     * requests go to that group's server; a group the host does not run (any more) refuses the
     * handshake. Redirects name the group leader's client address, so give each group's members
     * the client address of their host's endpoint.
     *
     * @param clusterId the cluster's id, which clients must name
     * @param host      the host whose groups serve the clients
     * @param listen    where to accept clients
     * @return the builder
     */
    public static Builder builder(String clusterId, RaftHost host, Endpoint listen) {
        Objects.requireNonNull(host, "host");
        return new Builder(clusterId, host.id(), host::group, listen);
    }

    /**
     * Binds the port and starts accepting clients.
     *
     * @throws IllegalStateException when already started or closed
     * @throws InterruptedException  when interrupted while binding
     * @throws IOException           when the TLS files cannot be read
     * @return this endpoint
     */
    public synchronized RaftClientEndpoint start() throws InterruptedException, IOException {
        if (group != null || closed) throw new IllegalStateException("endpoint already started or closed");
        Optional<SslContext> ssl = tls.isPresent() ? Optional.of(SslContexts.server(tls.get())) : Optional.empty();
        IoSetup io = IoSetup.choose(preferNative);
        ConnectionGate gate = new ConnectionGate(inbound.untrustedPerSource(), inbound.untrustedTotal());
        InboundBudget budget = new InboundBudget(inbound.bufferBytes());
        RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(ClientRequestHandler.class), Duration.ofSeconds(10));
        group = new MultiThreadIoEventLoopGroup(ioThreads,
                new DefaultThreadFactory("floe-client-endpoint-" + self.value(), true), io.handlerFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Bounded before trust, as on the raft port (docs/security.md).
                .childHandler(new GatedAcceptor(gate, accepted, refusals, self + ": refused client connection", () -> closed,
                        () -> { }, (ch, ticket) -> {
                            ssl.ifPresent(context -> ch.pipeline().addLast(context.newHandler(ch.alloc())));
                            FrameDecoder decoder = new FrameDecoder(maxFrameBytes, inbound.preHandshakeFrameBytes(), budget);
                            ch.pipeline().addLast(decoder, new ClientRequestHandler(clusterId, self, groups, authorizedClients,
                                    maxFrameBytes, handshakeTimeout, () -> closed, decoder, ticket, refusals));
                        }));
        try {
            channel = bootstrap.bind(listen.host(), listen.port()).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        log.info("{} serving clients on {} ({}{})", self, channel.localAddress(), io.name(), ssl.isPresent() ? ", TLS" : "");
        return this;
    }

    /**
     * Where clients connect (with the actual port when configured with port 0).
     *
     * @return the bound address
     * @throws IllegalStateException if the endpoint is not started
     */
    public Endpoint localEndpoint() {
        Channel c = channel;
        if (c == null) throw new IllegalStateException("endpoint is not started");
        return new Endpoint(listen.host(), ((InetSocketAddress) c.localAddress()).getPort());
    }

    /** Closes the port and every client connection and stops the threads (waits a few seconds at most). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (group == null) return;
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        accepted.forEach(ch -> ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("{} client endpoint closed", self);
    }

    /** Settings of a {@link RaftClientEndpoint}; not thread-safe. */
    public static final class Builder {
        private final String clusterId;
        private final NodeId self;
        private final Function<GroupId, Optional<RaftServer>> groups;
        private final Endpoint listen;
        private int maxFrameBytes = NettyTransportOptions.DEFAULT_MAX_FRAME_BYTES;
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private int ioThreads = 1;
        private boolean preferNative = true;
        private InboundLimits inbound = InboundLimits.defaults();
        private Optional<TlsConfig> tls = Optional.empty();
        private Set<String> authorizedClients = Set.of();

        private Builder(String clusterId, NodeId self, Function<GroupId, Optional<RaftServer>> groups, Endpoint listen) {
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            if (clusterId.isBlank()) throw new IllegalArgumentException("clusterId must not be blank");
            this.self = self;
            this.groups = groups;
            this.listen = Objects.requireNonNull(listen, "listen");
        }

        /**
         * The largest request or response frame, length prefix excluded (default 16 MiB, at least 1 KiB).
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            if (bytes < 1024) throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + bytes);
            maxFrameBytes = bytes;
            return this;
        }

        /**
         * How long a new connection may stay silent before its handshake (default 5 s).
         *
         * @param timeout the limit
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("handshakeTimeout must be positive");
            handshakeTimeout = timeout;
            return this;
        }

        /**
         * Event-loop threads for client connections (default 1).
         *
         * @param threads the number of threads
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) throw new IllegalArgumentException("ioThreads must be positive: " + threads);
            ioThreads = threads;
            return this;
        }

        /**
         * Use native epoll when available (default true).
         *
         * @param prefer whether to use epoll when it is available
         * @return this builder
         */
        public Builder preferNative(boolean prefer) {
            preferNative = prefer;
            return this;
        }

        /**
         * What untrusted connections and incomplete frames may cost (default {@link InboundLimits#defaults()}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder inbound(InboundLimits limits) {
            inbound = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Serve clients over mutual TLS only (default: plaintext). Clients must present a
         * certificate chaining to {@code tls.trustedCertificates()}; with
         * {@code tls.verifyHostname()} nothing changes here (the accepting side checks names only
         * through {@link #authorizedClients(Set)}).
         *
         * @param tls this member's certificate and key, and what clients must chain to
         * @return this builder
         */
        public Builder tls(TlsConfig tls) {
            this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
            return this;
        }

        /**
         * With TLS, the only clients let in: a client's certificate must name one of {@code names}
         * (subject CN or a DNS subject alternative name). Empty (the default): any certificate the
         * trusted certificates vouch for.
         *
         * @param names the client names allowed
         * @return this builder
         */
        public Builder authorizedClients(Set<String> names) {
            authorizedClients = Set.copyOf(Objects.requireNonNull(names, "names"));
            return this;
        }

        /**
         * Validates the settings and creates the endpoint.
         *
         * @return the endpoint, not started
         * @throws IllegalArgumentException naming an invalid setting (e.g. authorized clients without TLS)
         */
        public RaftClientEndpoint build() {
            return new RaftClientEndpoint(this);
        }
    }
}
