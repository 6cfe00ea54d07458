package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.HostTransport;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.netty.internal.ConnectionGate;
import dev.floe.raft.transport.netty.internal.Counters;
import dev.floe.raft.transport.netty.internal.InboundBudget;
import dev.floe.raft.transport.netty.internal.FrameDecoder;
import dev.floe.raft.transport.netty.internal.GatedAcceptor;
import dev.floe.raft.transport.netty.internal.InboundContext;
import dev.floe.raft.transport.netty.internal.InboundHandler;
import dev.floe.raft.transport.netty.internal.InboundRouter;
import dev.floe.raft.transport.netty.internal.IoSetup;
import dev.floe.raft.transport.netty.internal.LinkContext;
import dev.floe.raft.transport.netty.internal.PeerLink;
import dev.floe.raft.transport.netty.internal.SslContexts;
import dev.floe.raft.transport.netty.internal.WireProtocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link HostTransport}: one Netty listener and one connection per pair of processes,
 * carrying the frames of every Raft group this process hosts (wire protocol version 2, in
 * docs/transport.md; a version 1 dialer is accepted and speaks for {@link GroupId#DEFAULT}).
 *
 * <p>{@link #group(GroupId)} hands out one {@link Transport} per group. Inbound frames are routed by
 * their group id; a frame for a group this host does not run (or that stopped talking to the
 * sender with {@code removePeer}) is dropped, counted in {@link TransportStats#unknownGroupDropped()}
 * and logged at most once per sending host per 10 s. The heartbeats that several groups send to one peer in
 * one drain pass travel as one frame. Handshake, TLS and peer-identity checks, limits, backoff and
 * counters are those of {@link NettyTransport} (which is this transport carrying one group): peers
 * are hosts, and a host's node id is its member id in every group.
 *
 * <p>Lifecycle: construct, {@link #start}, hand out group transports, then {@link #close} once.
 * Thread-safe.
 */
public final class NettyHostTransport implements HostTransport {
    private static final Logger log = LoggerFactory.getLogger(NettyHostTransport.class);
    /** Refused and failed inbound connections log at most one line per remote address per this interval. */
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

    private enum Phase { NEW, STARTED, CLOSED }

    private final NettyTransportOptions config;
    private final Counters counters = new Counters();
    private final Map<NodeId, Endpoint> peers = new ConcurrentHashMap<>();
    private final Map<NodeId, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.NEW;
    private EventLoopGroup group;
    private Channel server;
    private LinkContext linkContext;
    /** The groups' transports by the group's wire name (empty for the default group). */
    private final Map<String, GroupTransport> groups = new ConcurrentHashMap<>();
    private volatile Consumer<NodeId> heard = peer -> { };
    private final RateLimitedLog unknownGroups = new RateLimitedLog(log, REFUSAL_LOG_INTERVAL);

    /**
     * A transport with these settings; {@link #start} binds and dials.
     *
     * @param config the settings
     */
    public NettyHostTransport(NettyTransportOptions config) {
        this.config = Objects.requireNonNull(config, "config");
        peers.putAll(config.peers());
    }

    /**
     * Binds the listen endpoint and starts the event loops.
     *
     * @throws IllegalArgumentException when {@code self} is not the configured node
     * @throws IllegalStateException    when already started or closed
     * @throws IOException              when the TLS files cannot be read or the port cannot be bound
     *                                  ({@link java.io.InterruptedIOException} when interrupted while binding)
     */
    @Override
    public synchronized void start(NodeId self, Consumer<NodeId> heardFrom) throws IOException {
        heard = Objects.requireNonNull(heardFrom, "heard");
        if (!config.self().equals(self)) {
            throw new IllegalArgumentException("started as " + self + " but configured as " + config.self());
        }
        if (phase != Phase.NEW) throw new IllegalStateException("transport is " + phase);
        Optional<SslContext> serverSsl = Optional.empty();
        Optional<SslContext> clientSsl = Optional.empty();
        if (config.tls().isPresent()) {
            serverSsl = Optional.of(SslContexts.server(config.tls().get()));
            clientSsl = Optional.of(SslContexts.client(config.tls().get()));
        }
        IoSetup io = IoSetup.choose(config.preferNative());
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                new DefaultThreadFactory("floe-netty-" + self.value(), true), io.handlerFactory());
        try {
            server = bind(io, serverSsl);
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);
        Bootstrap dialler = new Bootstrap()
                .channel(io.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        linkContext = new LinkContext(config.clusterId(), self, dialler, clientSsl, config.maxFrameBytes(),
                config.maxQueuedMessages(), config.maxQueuedBytes(), config.backoff(), counters, this::shuttingDown,
                config.dialVersion(), config.heartbeatCoalescing().toNanos());
        peers.forEach((id, endpoint) -> links.put(id, newLink(id, endpoint)));
        phase = Phase.STARTED;
        log.info("{} listening on {} ({}{})", self, server.localAddress(), io.name(), clientSsl.isPresent() ? ", TLS" : "");
    }

    private Channel bind(IoSetup io, Optional<SslContext> serverSsl) throws java.io.InterruptedIOException {
        RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(InboundHandler.class), REFUSAL_LOG_INTERVAL);
        InboundContext context = new InboundContext(config.clusterId(), config.self(), peers::containsKey, router(),
                counters, config.handshakeTimeout(), refusals, this::shuttingDown);
        InboundLimits limits = config.inbound();
        ConnectionGate gate = new ConnectionGate(limits.untrustedPerSource(), limits.untrustedTotal());
        InboundBudget budget = new InboundBudget(limits.bufferBytes());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(io.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Reads of up to 256 KiB: fewer syscalls and cumulation copies for large AppendRequests.
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024))
                // Bounded before trust (docs/security.md): refused at accept beyond the untrusted-connection limits.
                .childHandler(new GatedAcceptor(gate, accepted, refusals, "refused connection", this::shuttingDown,
                        counters.rejected::increment, (ch, ticket) -> {
                            serverSsl.ifPresent(ssl -> ch.pipeline().addLast(ssl.newHandler(ch.alloc())));
                            FrameDecoder decoder = new FrameDecoder(config.maxFrameBytes(), limits.preHandshakeFrameBytes(), budget);
                            ch.pipeline().addLast(decoder, new InboundHandler(context, decoder, ticket));
                        }));
        try {
            return bootstrap.bind(config.listen().host(), config.listen().port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while binding " + config.listen());
        }
    }

    /**
     * Where this transport accepts connections (with the actual port when configured with port 0).
     *
     * @return the bound address
     * @throws IllegalStateException if the transport is not started
     */
    public Endpoint localEndpoint() {
        Channel s = server;
        if (s == null) throw new IllegalStateException("transport is not started");
        InetSocketAddress address = (InetSocketAddress) s.localAddress();
        return new Endpoint(config.listen().host(), address.getPort());
    }

    private InboundRouter router() {
        return new InboundRouter() {
            @Override
            public void deliver(NodeId from, String group, Message message) {
                GroupTransport target = groups.get(group);
                Consumer<Message> inbound = target == null ? null : target.inbound;
                if (inbound == null || target.removed.contains(from)) {
                    counters.unknownGroup.increment();
                    // One line per sending host per interval (with a count of the rest), however many groups.
                    unknownGroups.warn(from.value(), "dropped a message from " + from + " for group '" + printable(group)
                            + "', which this host does not run" + (target == null ? "" : " (or which no longer talks to " + from + ")"));
                    return;
                }
                inbound.accept(message);
            }

            @Override
            public void heard(NodeId from) {
                heard.accept(from);
            }
        };
    }

    /** At most 64 characters of an untrusted group name, control characters replaced. */
    private static String printable(String group) {
        String cut = group.length() > 64 ? group.substring(0, 64) + "…" : group;
        return cut.isEmpty() ? GroupId.DEFAULT.value() : cut.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * The transport of group {@code group} on this host: started by the group's server (with this
     * host's node id), closed to detach the group. See {@link HostTransport#group}.
     *
     * @param group the group
     * @return its transport
     * @throws IllegalStateException if the group has a transport that is not closed, or this host is closed
     */
    @Override
    public Transport group(GroupId group) {
        Objects.requireNonNull(group, "group");
        if (phase == Phase.CLOSED) throw new IllegalStateException("transport is closed");
        String wire = group.equals(GroupId.DEFAULT) ? WireProtocol.DEFAULT_GROUP : group.value();
        GroupTransport transport = new GroupTransport(group, wire);
        if (groups.putIfAbsent(wire, transport) != null) {
            throw new IllegalStateException("group " + group + " already has a transport on " + config.self());
        }
        return transport;
    }

    @Override
    public void ping(NodeId peer) {
        PeerLink link = phase == Phase.STARTED ? links.get(peer) : null;
        if (link != null) link.ping();
    }

    private void send(String group, Message message) {
        PeerLink link = phase == Phase.STARTED && message.from().equals(config.self()) ? links.get(message.to()) : null;
        if (link == null) {
            counters.dropped.increment();
            return;
        }
        link.offer(group, message);
    }

    /**
     * Tells the transport where peer host {@code peer} is; a new endpoint replaces the connection.
     *
     * @param peer     the peer host
     * @param endpoint its raft address
     */
    @Override
    public synchronized void addPeer(NodeId peer, Endpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (peer.equals(config.self())) throw new IllegalArgumentException("cannot add self (" + peer + ") as a peer");
        if (phase == Phase.CLOSED) return;
        peers.put(peer, endpoint);
        if (phase != Phase.STARTED) return;
        PeerLink current = links.get(peer);
        if (current != null && current.endpoint().equals(endpoint)) return;
        links.put(peer, newLink(peer, endpoint));
        if (current != null) current.close();
    }

    /**
     * Forgets peer host {@code peer} for every group and closes its connections both ways.
     *
     * @param peer the peer host
     */
    public synchronized void removePeer(NodeId peer) {
        peers.remove(peer);
        PeerLink link = links.remove(peer);
        if (link != null) link.close();
        for (Channel ch : accepted) {
            if (peer.equals(ch.attr(InboundHandler.PEER).get())) ch.close();
        }
    }

    /**
     * The counters since this transport was created.
     *
     * @return the counters
     */
    public TransportStats stats() {
        return counters.snapshot();
    }

    /**
     * Closes every connection, stops the event loops and waits for them to finish (a few seconds at
     * most). Call it from an application thread, not from the inbound handler (an event-loop thread
     * cannot wait for its own loop to stop).
     */
    @Override
    public synchronized void close() {
        if (group != null) {
            for (EventExecutor loop : group) {
                if (loop.inEventLoop()) throw new IllegalStateException("close() called from the transport's own event loop");
            }
        }
        Phase was = phase;
        phase = Phase.CLOSED;
        if (was != Phase.STARTED) return;
        List<Future<?>> closing = new ArrayList<>();
        groups.clear();
        links.values().forEach(link -> closing.add(link.close()));
        links.clear();
        closing.add(server.close());
        accepted.forEach(ch -> closing.add(ch.close()));
        for (Future<?> f : closing) f.awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        log.info("{} transport closed", config.self());
    }

    private PeerLink newLink(NodeId peer, Endpoint endpoint) {
        return new PeerLink(peer, endpoint, linkContext, group.next());
    }

    private boolean shuttingDown() {
        return phase == Phase.CLOSED;
    }

    /** One group's view of the host transport. */
    private final class GroupTransport implements Transport {
        private final GroupId group;
        private final String wire;
        /** Set by {@link #start}; null before and after {@link #close}. */
        private volatile Consumer<Message> inbound;
        /** Peers this group stopped talking to ({@link #removePeer}); other groups keep them. */
        private final Set<NodeId> removed = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        GroupTransport(GroupId group, String wire) {
            this.group = group;
            this.wire = wire;
        }

        @Override
        public void start(NodeId self, Consumer<Message> handler) {
            Objects.requireNonNull(handler, "inbound");
            if (!config.self().equals(self)) {
                throw new IllegalArgumentException("group " + group + " started as " + self + " but this host is " + config.self());
            }
            if (phase != Phase.STARTED) throw new IllegalStateException("host transport is " + phase);
            if (closed) throw new IllegalStateException("the transport of group " + group + " is closed");
            inbound = handler;
        }

        @Override
        public void send(Message message) {
            if (closed || removed.contains(message.to())) {
                counters.dropped.increment();
                return;
            }
            NettyHostTransport.this.send(wire, message);
        }

        @Override
        public void addPeer(NodeId peer, Endpoint endpoint) {
            removed.remove(peer);
            NettyHostTransport.this.addPeer(peer, endpoint);
        }

        @Override
        public void removePeer(NodeId peer) {
            removed.add(peer);
        }

        @Override
        public void close() {
            closed = true;
            inbound = null;
            groups.remove(wire, this);
        }
    }
}
