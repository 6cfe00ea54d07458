package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.netty.internal.ConnectionGate;
import dev.floe.raft.transport.netty.internal.Counters;
import dev.floe.raft.transport.netty.internal.InboundBudget;
import dev.floe.raft.transport.netty.internal.FrameDecoder;
import dev.floe.raft.transport.netty.internal.InboundContext;
import dev.floe.raft.transport.netty.internal.InboundHandler;
import dev.floe.raft.transport.netty.internal.IoSetup;
import dev.floe.raft.transport.netty.internal.LinkContext;
import dev.floe.raft.transport.netty.internal.PeerLink;
import dev.floe.raft.transport.netty.internal.SslContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
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
 * The default {@link Transport}: TCP through Netty, one length-prefixed protobuf frame per message
 * (wire protocol in docs/transport.md).
 *
 * <p>Each peer gets one outbound connection, dialled on the first message and re-dialled with
 * {@link Backoff} after it fails; inbound messages arrive on the connections peers dial to this
 * node. {@link #send} only queues: encoding and I/O run on the transport's event loops, and a full
 * per-peer queue or an unreachable peer makes it drop and count ({@link #stats()}), as the
 * {@link Transport} contract allows. Accepted connections must open with a handshake naming this
 * cluster, this node and a known peer (and, with TLS, a peer certificate naming that peer: see
 * {@link TlsConfig}); anything else, and any undecodable frame, closes that one connection with a
 * single log line (at most one per remote address per 10 s, with a count of the rest). Until the
 * handshake, a connection is held to {@link InboundLimits}.
 *
 * <p>Lifecycle: construct, {@link #start}, then {@link #close} once; close releases every thread,
 * socket and buffer. Thread-safe.
 */
public final class NettyTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);
    /** Refused and failed inbound connections log at most one line per remote address per this interval. */
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofSeconds(10);

    private enum Phase { NEW, STARTED, CLOSED }

    private final NettyTransportConfig config;
    private final Counters counters = new Counters();
    private final Map<NodeId, Endpoint> peers = new ConcurrentHashMap<>();
    private final Map<NodeId, PeerLink> links = new ConcurrentHashMap<>();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile Phase phase = Phase.NEW;
    private EventLoopGroup group;
    private Channel server;
    private LinkContext linkContext;

    /**
     * A transport with these settings; {@link #start} binds and dials.
     *
     * @param config the settings
     */
    public NettyTransport(NettyTransportConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        peers.putAll(config.peers());
    }

    /**
     * Binds the listen endpoint and starts the event loops.
     *
     * @throws IllegalArgumentException when {@code self} is not the configured node
     * @throws IllegalStateException    when already started or closed
     * @throws IOException             when the TLS files cannot be read or the port cannot be bound
     *                                  ({@link java.io.InterruptedIOException} when interrupted while binding)
     */
    @Override
    public synchronized void start(NodeId self, Consumer<Message> inbound) throws IOException {
        Objects.requireNonNull(inbound, "inbound");
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
            server = bind(io, inbound, serverSsl);
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
                config.maxQueuedMessages(), config.maxQueuedBytes(), config.backoff(), counters, this::shuttingDown);
        peers.forEach((id, endpoint) -> links.put(id, newLink(id, endpoint)));
        phase = Phase.STARTED;
        log.info("{} listening on {} ({}{})", self, server.localAddress(), io.name(), clientSsl.isPresent() ? ", TLS" : "");
    }

    private Channel bind(IoSetup io, Consumer<Message> inbound, Optional<SslContext> serverSsl) throws InterruptedIOException {
        RateLimitedLog refusals = new RateLimitedLog(LoggerFactory.getLogger(InboundHandler.class), REFUSAL_LOG_INTERVAL);
        InboundContext context = new InboundContext(config.clusterId(), config.self(), peers::containsKey, inbound,
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
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // Bounded before trust (docs/security.md): refused at accept beyond the untrusted-connection limits.
                        InetAddress source = ch.remoteAddress().getAddress();
                        ConnectionGate.Ticket ticket = gate.admit(source);
                        if (ticket == null) {
                            if (!shuttingDown()) {
                                refusals.warn(source.getHostAddress(), "refused connection from " + ch.remoteAddress()
                                        + " (before handshake): " + gate.refusal(source));
                            }
                            counters.rejected.increment();
                            ch.close();
                            return;
                        }
                        accepted.add(ch);
                        ch.closeFuture().addListener(f -> {
                            accepted.remove(ch);
                            ticket.release();
                        });
                        serverSsl.ifPresent(ssl -> ch.pipeline().addLast(ssl.newHandler(ch.alloc())));
                        FrameDecoder decoder = new FrameDecoder(config.maxFrameBytes(), limits.preHandshakeFrameBytes(), budget);
                        ch.pipeline().addLast(decoder, new InboundHandler(context, decoder, ticket));
                    }
                });
        try {
            return bootstrap.bind(config.listen().host(), config.listen().port()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while binding " + config.listen());
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

    @Override
    public void send(Message message) {
        PeerLink link = phase == Phase.STARTED && message.from().equals(config.self()) ? links.get(message.to()) : null;
        if (link == null) {
            counters.dropped.increment();
            return;
        }
        link.offer(message);
    }

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

    @Override
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
}
