package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.Message;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A started {@link NettyTransport} on an ephemeral loopback port that collects what it receives. */
final class TestNode implements AutoCloseable {
    static final String CLUSTER = "test-cluster";
    static final Backoff FAST_BACKOFF = Backoff.builder().delays(Duration.ofMillis(10), Duration.ofMillis(100)).jitter(0.5).build();

    final NodeId id;
    final NettyTransport transport;
    final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

    private TestNode(NodeId id, NettyTransport transport) {
        this.id = id;
        this.transport = transport;
    }

    static TestNode start(String id, UnaryOperator<NettyTransportOptions.Builder> settings) throws Exception {
        return start(id, 0, settings);
    }

    static TestNode start(String id, int port, UnaryOperator<NettyTransportOptions.Builder> settings) throws Exception {
        NodeId nodeId = NodeId.of(id);
        NettyTransportOptions.Builder builder = NettyTransportOptions.builder(CLUSTER, nodeId, new Endpoint("127.0.0.1", port))
                .backoff(FAST_BACKOFF)
                .ioThreads(1);
        NettyTransport transport = new NettyTransport(settings.apply(builder).build());
        TestNode node = new TestNode(nodeId, transport);
        transport.start(nodeId, node.received::add);
        return node;
    }

    Endpoint endpoint() {
        return transport.localEndpoint();
    }

    /** Makes {@code a} and {@code b} peers of each other. */
    static void connect(TestNode a, TestNode b) {
        a.transport.addPeer(b.id, b.endpoint());
        b.transport.addPeer(a.id, a.endpoint());
    }

    /** The next message received, waiting a bounded time. */
    Message next() throws InterruptedException {
        Message m = received.poll(10, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError(id + " received nothing within 10 s");
        return m;
    }

    @Override
    public void close() {
        transport.close();
    }
}
