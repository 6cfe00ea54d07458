package dev.floe.raft.transport.netty;

import dev.floe.raft.testkit.FreePorts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The transport over real loopback sockets. */
class NettyTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void everyMessageTypeRoundTripsOverSocketsInOrder() throws Exception {
        try (TestNode a = TestNode.start("a", b -> b); TestNode b = TestNode.start("b", c -> c)) {
            TestNode.connect(a, b);
            RandomMessages random = new RandomMessages(7);
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < 1100; i++) {
                Message m = random.of(RandomMessages.TYPES.get(i % RandomMessages.TYPES.size()), a.id, b.id);
                sent.add(m);
                a.transport.send(m);
            }
            List<Message> got = new ArrayList<>();
            for (int i = 0; i < sent.size(); i++) got.add(b.next());
            assertThat(got).containsExactlyElementsOf(sent);
            // And the other way, on b's own connection to a.
            Message reply = random.any(b.id, a.id);
            b.transport.send(reply);
            assertThat(a.next()).isEqualTo(reply);
            assertThat(a.transport.stats().messagesSent()).isEqualTo(1100);
            assertThat(b.transport.stats().messagesReceived()).isEqualTo(1100);
            assertThat(a.transport.stats().messagesDropped()).isZero();
        }
    }

    @Test
    void aPeerRestartedOnTheSamePortIsReconnectedTo() throws Exception {
        try (TestNode a = TestNode.start("a", b -> b)) {
            TestNode b = TestNode.start("b", c -> c.peer(a.id, a.endpoint()));
            int port = b.endpoint().port();
            a.transport.addPeer(b.id, b.endpoint());
            a.transport.send(heartbeat(a.id, b.id, 1));
            assertThat(b.next()).isEqualTo(heartbeat(a.id, b.id, 1));
            b.close();

            try (TestNode b2 = TestNode.start("b", port, c -> c.peer(a.id, a.endpoint()))) {
                // The leader keeps sending; messages during the outage are dropped, then the link comes back.
                long term = 2;
                long deadline = System.nanoTime() + WAIT.toNanos();
                Message got = null;
                while (got == null && System.nanoTime() < deadline) {
                    a.transport.send(heartbeat(a.id, b2.id, term++));
                    got = b2.received.poll(20, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                assertThat(got).isInstanceOf(HeartbeatRequest.class);
                assertThat(a.transport.stats().reconnects()).isPositive();
            }
        }
    }

    @Test
    void aPeerThatIsDownDoesNotSlowSendsToOthers() throws Exception {
        Endpoint dead = new Endpoint("127.0.0.1", FreePorts.next());
        try (TestNode a = TestNode.start("a", c -> c.peer(NodeId.of("down"), dead));
             TestNode b = TestNode.start("b", c -> c)) {
            TestNode.connect(a, b);
            NodeId down = NodeId.of("down");
            int n = 2000;
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                a.transport.send(heartbeat(a.id, down, i + 1));
                a.transport.send(heartbeat(a.id, b.id, i + 1));
            }
            long sendNanos = System.nanoTime() - start;
            for (int i = 0; i < n; i++) assertThat(((HeartbeatRequest) b.next()).term()).isEqualTo(i + 1);
            // 4000 calls that only queue: far below a millisecond each even on a loaded machine.
            assertThat(Duration.ofNanos(sendNanos)).isLessThan(Duration.ofSeconds(1));
            Await.until("drops to the dead peer", WAIT, () -> a.transport.stats().messagesDropped() == n);
            assertThat(a.transport.stats().messagesSent()).isEqualTo(n);
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlocking() throws Exception {
        // A peer that accepts the connection and never reads: the socket buffers fill, then the queue.
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestNode a = TestNode.start("a", c -> c.maxQueuedMessages(50)
                     .peer(NodeId.of("stalled"), new Endpoint("127.0.0.1", stalled.getLocalPort())))) {
            Socket accepted = null;
            try {
                AppendRequest big = RandomMessages.append(a.id, NodeId.of("stalled"), 0, 64, 1024);
                int n = 3000;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    a.transport.send(big);
                    if (i == 0) accepted = stalled.accept();
                }
                long sendNanos = System.nanoTime() - start;
                Await.until("every message sent or dropped", WAIT, () -> {
                    TransportStats s = a.transport.stats();
                    return s.messagesSent() + s.messagesDropped() >= n - 50;
                });
                TransportStats stats = a.transport.stats();
                assertThat(stats.messagesDropped()).isPositive();
                assertThat(stats.messagesSent() + stats.messagesDropped()).isBetween((long) n - 50, (long) n);
                assertThat(Duration.ofNanos(sendNanos)).isLessThan(Duration.ofSeconds(2));
            } finally {
                if (accepted != null) accepted.close();
            }
        }
    }

    @Test
    void theByteBoundDropsLargeMessagesBeforeTheCountBound() throws Exception {
        try (ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             TestNode a = TestNode.start("a", c -> c.maxFrameBytes(256 * 1024).maxQueuedBytes(256 * 1024)
                     .peer(NodeId.of("stalled"), new Endpoint("127.0.0.1", stalled.getLocalPort())))) {
            Socket accepted = null;
            try {
                // 100 KiB each: at most two fit the byte bound, far below the default count bound.
                AppendRequest big = RandomMessages.append(a.id, NodeId.of("stalled"), 0, 100, 1024);
                for (int i = 0; i < 400; i++) {
                    a.transport.send(big);
                    if (i == 0) accepted = stalled.accept();
                }
                Await.until("every message sent or dropped", WAIT, () -> {
                    TransportStats s = a.transport.stats();
                    return s.messagesSent() + s.messagesDropped() >= 398;
                });
                assertThat(a.transport.stats().messagesDropped()).isGreaterThan(200);
            } finally {
                if (accepted != null) accepted.close();
            }
        }
    }

    @Test
    void messagesToUnknownPeersOrFromAnotherIdAreDroppedAndCounted() throws Exception {
        try (TestNode a = TestNode.start("a", c -> c)) {
            a.transport.send(heartbeat(a.id, NodeId.of("nobody"), 1));
            a.transport.send(heartbeat(NodeId.of("impostor"), NodeId.of("nobody"), 1));
            assertThat(a.transport.stats().messagesDropped()).isEqualTo(2);
        }
    }

    @Test
    void aFailingInboundHandlerDoesNotBreakTheConnection() throws Exception {
        List<Message> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        NodeId bId = NodeId.of("b");
        try (TestNode a = TestNode.start("a", c -> c)) {
            NettyTransport b = new NettyTransport(NettyTransportOptions.builder(TestNode.CLUSTER, bId, new Endpoint("127.0.0.1", 0))
                    .peer(a.id, a.endpoint()).ioThreads(1).build());
            try {
                b.start(bId, m -> {
                    seen.add(m);
                    if (seen.size() == 1) throw new IllegalStateException("handler bug");
                });
                a.transport.addPeer(bId, b.localEndpoint());
                a.transport.send(heartbeat(a.id, bId, 1));
                a.transport.send(heartbeat(a.id, bId, 2));
                Await.until("both heartbeats", WAIT, () -> seen.size() == 2);
                assertThat(a.transport.stats().reconnects()).isZero();
            } finally {
                b.close();
            }
        }
    }

    @Test
    void removePeerClosesItsConnectionsAndDropsLaterSends() throws Exception {
        try (TestNode a = TestNode.start("a", c -> c); TestNode b = TestNode.start("b", c -> c)) {
            TestNode.connect(a, b);
            a.transport.send(heartbeat(a.id, b.id, 1));
            b.transport.send(heartbeat(b.id, a.id, 1));
            b.next();
            a.next();
            a.transport.removePeer(b.id);
            a.transport.send(heartbeat(a.id, b.id, 2));
            assertThat(a.transport.stats().messagesDropped()).isEqualTo(1);
            // b's connection into a was closed too, and b can no longer be accepted.
            Await.until("b to see a's side close", WAIT, () -> {
                b.transport.send(heartbeat(b.id, a.id, 3));
                return b.transport.stats().messagesDropped() > 0;
            });
            assertThat(a.received).isEmpty();
        }
    }

    @Test
    void closeStopsEveryThreadAndLaterSendsAreDropped() throws Exception {
        TestNode a = TestNode.start("closing", c -> c.ioThreads(2));
        TestNode b = TestNode.start("b", c -> c);
        TestNode.connect(a, b);
        a.transport.send(heartbeat(a.id, b.id, 1));
        b.next();
        assertThat(threadsNamed("floe-netty-closing")).isPositive();
        a.close();
        b.close();
        Await.until("transport threads to end", WAIT, () -> threadsNamed("floe-netty-closing") == 0);
        a.transport.send(heartbeat(a.id, b.id, 2));
        assertThat(a.transport.stats().messagesDropped()).isEqualTo(1);
    }

    @Test
    void closeFromTheInboundHandlerIsRefusedInsteadOfDeadlocking() throws Exception {
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        NodeId bId = NodeId.of("b");
        try (TestNode a = TestNode.start("a", c -> c)) {
            NettyTransport[] b = new NettyTransport[1];
            b[0] = new NettyTransport(NettyTransportOptions.builder(TestNode.CLUSTER, bId, new Endpoint("127.0.0.1", 0))
                    .peer(a.id, a.endpoint()).ioThreads(1).build());
            try {
                b[0].start(bId, m -> {
                    try {
                        b[0].close();
                        outcome.complete(null);
                    } catch (IllegalStateException e) {
                        outcome.complete(e);
                    }
                });
                a.transport.addPeer(bId, b[0].localEndpoint());
                a.transport.send(heartbeat(a.id, bId, 1));
                assertThat(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("own event loop");
            } finally {
                b[0].close();
            }
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    static HeartbeatRequest heartbeat(NodeId from, NodeId to, long term) {
        return new HeartbeatRequest(from, to, term, 0, 0);
    }

}
