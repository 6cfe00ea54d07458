package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;

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
 * <p>It is a {@link NettyHostTransport} carrying one group, {@link GroupId#DEFAULT}: the same
 * connections, frames and checks as a process hosting many groups, so a single-group node and a
 * multi-group host interoperate for that group.
 *
 * <p>Lifecycle: construct, {@link #start}, then {@link #close} once; close releases every thread,
 * socket and buffer. Thread-safe.
 */
public final class NettyTransport implements Transport {
    private final NettyHostTransport host;
    private final Transport group;

    /**
     * A transport with these settings; {@link #start} binds and dials.
     *
     * @param config the settings
     */
    public NettyTransport(NettyTransportOptions config) {
        this.host = new NettyHostTransport(Objects.requireNonNull(config, "config"));
        this.group = host.group(GroupId.DEFAULT);
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
    public void start(NodeId self, Consumer<Message> inbound) throws IOException {
        Objects.requireNonNull(inbound, "inbound");
        host.start(self, peer -> { });
        group.start(self, inbound);
    }

    /**
     * Where this transport accepts connections (with the actual port when configured with port 0).
     *
     * @return the bound address
     * @throws IllegalStateException if the transport is not started
     */
    public Endpoint localEndpoint() {
        return host.localEndpoint();
    }

    @Override
    public void send(Message message) {
        group.send(message);
    }

    @Override
    public void addPeer(NodeId peer, Endpoint endpoint) {
        host.addPeer(peer, endpoint);
    }

    @Override
    public void removePeer(NodeId peer) {
        host.removePeer(peer);
    }

    /**
     * The counters since this transport was created.
     *
     * @return the counters
     */
    public TransportStats stats() {
        return host.stats();
    }

    /**
     * Closes every connection, stops the event loops and waits for them to finish (a few seconds at
     * most). Call it from an application thread, not from the inbound handler (an event-loop thread
     * cannot wait for its own loop to stop).
     */
    @Override
    public void close() {
        host.close();
    }
}
