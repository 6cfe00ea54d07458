package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.testkit.Await;
import dev.floe.raft.transport.netty.internal.Handshakes;
import dev.floe.raft.transport.netty.internal.MessageFrames;
import dev.floe.raft.transport.netty.internal.WireProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** One {@link NettyHostTransport} per process carrying many groups: routing, batching, compatibility. */
class NettyHostTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final GroupId G1 = GroupId.of("g1");
    private static final GroupId G2 = GroupId.of("g2");

    /** A started host transport on an ephemeral loopback port. */
    private static final class Host implements AutoCloseable {
        final NodeId id;
        final NettyHostTransport transport;
        final Map<GroupId, Transport> groups = new HashMap<>();
        final Map<GroupId, LinkedBlockingQueue<Message>> received = new HashMap<>();
        final LinkedBlockingQueue<NodeId> heard = new LinkedBlockingQueue<>();

        Host(String id, UnaryOperator<NettyTransportOptions.Builder> settings) throws Exception {
            this.id = NodeId.of(id);
            this.transport = new NettyHostTransport(settings.apply(NettyTransportOptions.builder(TestNode.CLUSTER, this.id,
                    new Endpoint("127.0.0.1", 0)).backoff(TestNode.FAST_BACKOFF).ioThreads(1)).build());
            transport.start(this.id, heard::add);
        }

        Transport join(GroupId group) throws Exception {
            LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
            return join(group, inbox::add, inbox);
        }

        Transport join(GroupId group, java.util.function.Consumer<Message> handler, LinkedBlockingQueue<Message> inbox)
                throws Exception {
            Transport t = transport.group(group);
            t.start(id, handler);
            groups.put(group, t);
            received.put(group, inbox);
            return t;
        }

        Message next(GroupId group) throws InterruptedException {
            Message m = received.get(group).poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) throw new AssertionError(id + " received nothing for " + group);
            return m;
        }

        Endpoint endpoint() {
            return transport.localEndpoint();
        }

        @Override
        public void close() {
            transport.close();
        }
    }

    private static HeartbeatRequest heartbeat(NodeId from, NodeId to, long term) {
        return new HeartbeatRequest(from, to, term, 0, term);
    }

    private static void connect(Host a, Host b) {
        a.transport.addPeer(b.id, b.endpoint());
        b.transport.addPeer(a.id, a.endpoint());
    }

    @Test
    void aFrameOfOneGroupReachesThatGroupOnly() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G1);
            a.join(G2);
            b.join(G1);
            b.join(G2);
            Message forG1 = new VoteRequest(a.id, b.id, 3, 7, 2, false, false);
            Message forG2 = heartbeat(a.id, b.id, 5);
            a.groups.get(G1).send(forG1);
            a.groups.get(G2).send(forG2);
            assertThat(b.next(G1)).isEqualTo(forG1);
            assertThat(b.next(G2)).isEqualTo(forG2);
            // A marker on g2 after both: once it arrives, anything misrouted to g1 would have arrived too.
            Message marker = heartbeat(a.id, b.id, 6);
            a.groups.get(G2).send(marker);
            assertThat(b.next(G2)).isEqualTo(marker);
            assertThat(b.received.get(G1)).isEmpty();
            assertThat(a.transport.stats().messagesSent()).isEqualTo(3);
        }
    }

    @Test
    void aFrameForAGroupThisHostDoesNotRunIsDroppedAndCountedAndTheConnectionStays() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G1);
            a.join(G2);
            b.join(G1);
            a.groups.get(G2).send(heartbeat(a.id, b.id, 1)); // b does not run g2
            Await.until(WAIT, "the unknown group's message to be counted", () -> b.transport.stats().unknownGroupDropped() == 1);
            Message after = heartbeat(a.id, b.id, 2);
            a.groups.get(G1).send(after);
            assertThat(b.next(G1)).isEqualTo(after);
            assertThat(b.received.get(G1)).isEmpty();
            assertThat(b.transport.stats().decodeErrors()).isZero();
        }
    }

    @Test
    void aClosedGroupTransportDetachesOnlyThatGroup() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G1);
            a.join(G2);
            b.join(G1);
            b.join(G2);
            b.groups.get(G2).close();
            a.groups.get(G2).send(heartbeat(a.id, b.id, 1));
            Await.until(WAIT, "the detached group's message to be counted", () -> b.transport.stats().unknownGroupDropped() == 1);
            Message stillRouted = heartbeat(a.id, b.id, 2);
            a.groups.get(G1).send(stillRouted);
            assertThat(b.next(G1)).isEqualTo(stillRouted);
            // The group can join again, with a new transport.
            b.join(G2);
            Message again = heartbeat(a.id, b.id, 3);
            a.groups.get(G2).send(again);
            assertThat(b.next(G2)).isEqualTo(again);
        }
    }

    @Test
    void aGroupThatRemovedAPeerNoLongerTalksToItWhileOtherGroupsDo() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G1);
            a.join(G2);
            b.join(G1);
            b.join(G2);
            b.groups.get(G1).removePeer(a.id);
            a.groups.get(G1).send(heartbeat(a.id, b.id, 1));
            Await.until(WAIT, "the removed peer's message to be dropped", () -> b.transport.stats().unknownGroupDropped() == 1);
            Message other = heartbeat(a.id, b.id, 2);
            a.groups.get(G2).send(other);
            assertThat(b.next(G2)).isEqualTo(other);
            b.groups.get(G1).send(heartbeat(b.id, a.id, 1));
            Await.until(WAIT, "b's send to the removed peer to be dropped", () -> b.transport.stats().messagesDropped() == 1);
        }
    }

    /**
     * Heartbeats of many groups queued together travel as one frame. The sender's only event loop is
     * held (by its own inbound handler) while they are queued, so one drain pass finds them all.
     */
    @Test
    void heartbeatsOfManyGroupsToOnePeerTravelAsOneFrame() throws Exception {
        int groups = 200;
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            List<GroupId> ids = new ArrayList<>();
            for (int i = 0; i < groups; i++) ids.add(GroupId.of("g" + i));
            for (GroupId g : ids) {
                b.join(g);
                if (!g.equals(ids.get(0))) a.join(g);
            }
            LinkedBlockingQueue<Message> holderInbox = new LinkedBlockingQueue<>();
            a.join(ids.get(0), m -> {
                holderInbox.add(m);
                if (m instanceof VoteRequest) {
                    holding.countDown();
                    awaitQuietly(release);
                }
            }, holderInbox);
            // Both connections up first.
            a.groups.get(ids.get(0)).send(heartbeat(a.id, b.id, 1));
            b.next(ids.get(0));
            long framesBefore = b.transport.stats().framesReceived();
            b.groups.get(ids.get(0)).send(new VoteRequest(b.id, a.id, 2, 0, 0, false, false));
            assertThat(holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            for (int i = 0; i < groups; i++) {
                Message hb = i % 2 == 0 ? heartbeat(a.id, b.id, 3) : new HeartbeatResponse(a.id, b.id, 3, i);
                a.groups.get(ids.get(i)).send(hb);
            }
            release.countDown();
            for (GroupId g : ids) assertThat(b.next(g)).isInstanceOfAny(HeartbeatRequest.class, HeartbeatResponse.class);
            assertThat(b.transport.stats().framesReceived() - framesBefore).isEqualTo(1);
            assertThat(b.transport.stats().messagesReceived()).isEqualTo(groups + 1);
        }
    }

    /** With a coalescing delay, heartbeats sent one by one wait for each other instead of leaving one per frame. */
    @Test
    void aCoalescingDelayGathersHeartbeatsSentOneByOne() throws Exception {
        int groups = 50;
        try (Host a = new Host("a", c -> c.heartbeatCoalescing(Duration.ofMillis(500))); Host b = new Host("b", c -> c)) {
            connect(a, b);
            List<GroupId> ids = new ArrayList<>();
            for (int i = 0; i < groups; i++) {
                GroupId g = GroupId.of("c" + i);
                ids.add(g);
                a.join(g);
                b.join(g);
            }
            a.groups.get(ids.get(0)).send(new VoteRequest(a.id, b.id, 1, 0, 0, false, false)); // connection up first
            b.next(ids.get(0));
            long framesBefore = b.transport.stats().framesReceived();
            for (GroupId g : ids) a.groups.get(g).send(heartbeat(a.id, b.id, 2));
            for (GroupId g : ids) assertThat(b.next(g)).isInstanceOf(HeartbeatRequest.class);
            assertThat(b.transport.stats().framesReceived() - framesBefore).isLessThan(groups / 2);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A node dialling version 1 (a release before multi-Raft) is accepted and speaks for the default group. */
    @Test
    void aVersionOneDialerReachesTheDefaultGroup() throws Exception {
        try (Host host = new Host("b", c -> c); TestNode old = TestNode.start("a", c -> c.dialVersion(1))) {
            host.transport.addPeer(old.id, old.endpoint());
            old.transport.addPeer(host.id, host.endpoint());
            host.join(GroupId.DEFAULT);
            host.join(G1);
            Message m = new VoteRequest(old.id, host.id, 4, 1, 1, true, false);
            old.transport.send(m);
            assertThat(host.next(GroupId.DEFAULT)).isEqualTo(m);
            // And the host answers the single-group node on the default group.
            Message reply = heartbeat(host.id, old.id, 4);
            host.groups.get(GroupId.DEFAULT).send(reply);
            assertThat(old.next()).isEqualTo(reply);
            assertThat(host.received.get(G1)).isEmpty();
        }
    }

    /** Version 1 carries no group: a host dialling version 1 drops other groups' messages and counts them. */
    @Test
    void aHostDiallingVersionOneSendsOnlyTheDefaultGroup() throws Exception {
        try (Host a = new Host("a", c -> c.dialVersion(1)); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G1);
            a.join(GroupId.DEFAULT);
            b.join(G1);
            b.join(GroupId.DEFAULT);
            a.groups.get(G1).send(heartbeat(a.id, b.id, 1));
            Message m = heartbeat(a.id, b.id, 2);
            a.groups.get(GroupId.DEFAULT).send(m);
            assertThat(b.next(GroupId.DEFAULT)).isEqualTo(m);
            assertThat(a.transport.stats().messagesDropped()).isEqualTo(1);
            assertThat(b.received.get(G1)).isEmpty();
        }
    }

    /** On a version 1 connection a version 2 body (a batch) is a protocol violation: the connection is closed. */
    @Test
    void aVersionOneConnectionCarryingABatchIsClosed() throws Exception {
        try (Host b = new Host("b", c -> c)) {
            NodeId a = NodeId.of("a");
            b.transport.addPeer(a, new Endpoint("127.0.0.1", 9));
            b.join(GroupId.DEFAULT);
            try (RawClient client = new RawClient(b.endpoint())) {
                client.sendFrame(Handshakes.frame(1, TestNode.CLUSTER, a, b.id));
                ByteBuf batch = MessageFrames.encodeHeartbeats(UnpooledByteBufAllocator.DEFAULT, List.of("", "g1"),
                        List.of(heartbeat(a, b.id, 1), heartbeat(a, b.id, 1)), 1 << 20);
                byte[] bytes = new byte[batch.readableBytes()];
                batch.readBytes(bytes);
                batch.release();
                client.send(bytes);
                assertThat(client.awaitClosed(WAIT)).isTrue();
            }
            Await.until(WAIT, "the decode error to be counted", () -> b.transport.stats().decodeErrors() == 1);
            assertThat(b.received.get(GroupId.DEFAULT)).isEmpty();
        }
    }

    /** An AppendRequest of a named group goes through the hand-written codec with the group field. */
    @Test
    void anAppendOfANamedGroupRoundTrips() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.join(G2);
            b.join(G1);
            b.join(G2);
            Message append = new RandomMessages(3).of(AppendRequest.class, a.id, b.id);
            a.groups.get(G2).send(append);
            assertThat(b.next(G2)).isEqualTo(append);
            assertThat(b.received.get(G1)).isEmpty();
        }
    }

    @Test
    void aPingIsHeardByThePeerHost() throws Exception {
        try (Host a = new Host("a", c -> c); Host b = new Host("b", c -> c)) {
            connect(a, b);
            a.transport.ping(b.id);
            assertThat(b.heard.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(a.id);
            assertThat(b.transport.stats().messagesReceived()).isZero();
            assertThat(b.transport.stats().framesReceived()).isEqualTo(1);
        }
    }

    /** The hand-written AppendRequest codec writes the group field exactly where protobuf does. */
    @Test
    void anAppendFrameWithAGroupHasTheGeneratedBytes() throws Exception {
        AppendRequest append = (AppendRequest) new RandomMessages(5).of(AppendRequest.class, NodeId.of("a"), NodeId.of("b"));
        ByteBuf fast = MessageFrames.encode(UnpooledByteBufAllocator.DEFAULT, "g7", append, 1 << 24);
        ByteBuf generated = dev.floe.raft.transport.netty.internal.FrameIo.encode(UnpooledByteBufAllocator.DEFAULT,
                dev.floe.raft.transport.netty.internal.MessageCodec.encode(append).toBuilder().setGroup("g7").build(), 1 << 24);
        try {
            assertThat(io.netty.buffer.ByteBufUtil.getBytes(fast)).isEqualTo(io.netty.buffer.ByteBufUtil.getBytes(generated));
        } finally {
            fast.release();
            generated.release();
        }
    }
}
