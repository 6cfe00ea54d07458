package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.transport.netty.internal.Handshakes;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an unauthenticated connection may cost (InboundLimits): small frames before the handshake,
 * few untrusted connections per source and in all, and one inbound buffer budget for the port.
 */
class BoundedBeforeTrustTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aLargeFrameIsRefusedBeforeTheHandshakeButAcceptedAfterIt() throws Exception {
        try (TestNode node = TestNode.start("subject", c -> c.maxFrameBytes(64 * 1024).maxQueuedBytes(64 * 1024));
             TestNode peer = TestNode.start("peer", c -> c);
             LogCapture logs = new LogCapture()) {
            TestNode.connect(node, peer);
            try (RawClient probe = new RawClient(node.endpoint())) {
                // The OOM probe of issue 13: announce a big frame, then stream it.
                probe.send(ByteBuffer.allocate(4).putInt(16 << 10).array());
                probe.send(new byte[4096]);
                assertThat(probe.awaitClosed(WAIT)).isTrue();
            }
            Await.until("the refusal line", WAIT, () -> !logs.linesContaining("exceeds the maximum of 4096 before the handshake").isEmpty());
            // A trusted peer's frames may be as large as maxFrameBytes.
            HeartbeatRequest big = new HeartbeatRequest(peer.id, node.id, 1, 0, 0);
            try (RawClient trusted = new RawClient(node.endpoint())) {
                trusted.sendFrame(Handshakes.frame(TestNode.CLUSTER, peer.id, node.id));
                byte[] padded = RawClient.framed(dev.floe.raft.transport.netty.internal.MessageCodec.encode(big).toBuilder()
                        .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                                .addField(999, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                        .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(new byte[20_000])).build())
                                .build()).build().toByteArray());
                assertThat(trusted.send(padded)).isTrue();
                assertThat(node.next()).isEqualTo(big);
            }
        }
    }

    @Test
    void untrustedConnectionsAreLimitedPerSourceAndInAll() throws Exception {
        InboundLimits limits = InboundLimits.builder().untrusted(2, 3).build();
        try (TestNode node = TestNode.start("subject", c -> c.inbound(limits));
             TestNode peer = TestNode.start("peer", c -> c);
             LogCapture logs = new LogCapture()) {
            TestNode.connect(node, peer);
            peer.transport.send(new HeartbeatRequest(peer.id, node.id, 1, 0, 0));
            assertThat(node.next()).isNotNull(); // the real peer's connection is trusted before the probes
            List<RawClient> open = new ArrayList<>();
            try {
                open.add(new RawClient(node.endpoint(), "127.0.0.2"));
                open.add(new RawClient(node.endpoint(), "127.0.0.2"));
                RawClient thirdFromSameSource = new RawClient(node.endpoint(), "127.0.0.2");
                open.add(thirdFromSameSource);
                assertThat(thirdFromSameSource.awaitClosed(WAIT)).as("a third silent connection from one address").isTrue();
                RawClient otherSource = new RawClient(node.endpoint(), "127.0.0.3");
                open.add(otherSource);
                RawClient overTotal = new RawClient(node.endpoint(), "127.0.0.4");
                open.add(overTotal);
                assertThat(overTotal.awaitClosed(WAIT)).as("a fourth silent connection in all").isTrue();
                assertThat(otherSource.awaitClosed(Duration.ofMillis(300))).as("within the limits").isFalse();
                assertThat(logs.linesContaining("from this address (2)")).hasSize(1);
                assertThat(logs.linesContaining("(3 in all)")).hasSize(1);

                // A completed handshake gives the place back: 127.0.0.2 may open another.
                RawClient first = open.get(0);
                first.sendFrame(Handshakes.frame(TestNode.CLUSTER, peer.id, node.id));
                first.send(RawClient.framed(dev.floe.raft.transport.netty.internal.MessageCodec
                        .encode(new HeartbeatRequest(peer.id, node.id, 2, 0, 0)).toByteArray()));
                assertThat(node.next()).isEqualTo(new HeartbeatRequest(peer.id, node.id, 2, 0, 0));
                RawClient again = new RawClient(node.endpoint(), "127.0.0.2");
                open.add(again);
                assertThat(again.awaitClosed(Duration.ofMillis(300))).isFalse();
                // The trusted peer was never affected.
                peer.transport.send(new HeartbeatRequest(peer.id, node.id, 3, 0, 0));
                assertThat(node.next()).isEqualTo(new HeartbeatRequest(peer.id, node.id, 3, 0, 0));
            } finally {
                for (RawClient c : open) c.close();
            }
        }
    }

    @Test
    void incompleteFramesShareOneBufferBudget() throws Exception {
        int maxFrame = 64 * 1024;
        InboundLimits limits = InboundLimits.builder().bufferBytes(100 * 1024).build();
        try (TestNode node = TestNode.start("subject", c -> c.maxFrameBytes(maxFrame).maxQueuedBytes(maxFrame).inbound(limits));
             TestNode p1 = TestNode.start("p1", c -> c);
             TestNode p2 = TestNode.start("p2", c -> c);
             LogCapture logs = new LogCapture();
             RawClient first = new RawClient(node.endpoint());
             RawClient second = new RawClient(node.endpoint())) {
            TestNode.connect(node, p1);
            TestNode.connect(node, p2);
            first.sendFrame(Handshakes.frame(TestNode.CLUSTER, p1.id, node.id));
            second.sendFrame(Handshakes.frame(TestNode.CLUSTER, p2.id, node.id));
            // Each announces a 60 KiB frame and sends only part of it: together they exceed 100 KiB, so
            // whichever announces second is refused and the other keeps its frame.
            first.send(ByteBuffer.allocate(4 + 1000).putInt(60 * 1024).array());
            second.send(ByteBuffer.allocate(4 + 1000).putInt(60 * 1024).array());
            Await.until("one connection to be refused", WAIT, () -> !logs.linesContaining("does not fit the inbound buffer budget").isEmpty());
            assertThat(logs.linesContaining("a frame of 61440 bytes does not fit the inbound buffer budget of 102400 bytes")).hasSize(1);
            boolean firstClosed = first.awaitClosed(Duration.ofMillis(200));
            boolean secondClosed = second.awaitClosed(Duration.ofMillis(200));
            assertThat(firstClosed ^ secondClosed).as("exactly one refused (first %s, second %s)", firstClosed, secondClosed).isTrue();
            // The survivor's frame completes once the rest arrives.
            RawClient survivor = firstClosed ? second : first;
            byte[] rest = new byte[60 * 1024 - 1000];
            assertThat(survivor.send(rest)).isTrue();
            Await.until("the survivor's frame to be decoded and refused as garbage, releasing its share", WAIT,
                    () -> node.transport.stats().decodeErrors() == 1);
        }
    }

    @Test
    void theBufferBudgetMustHoldOneFullFrame() {
        var builder = NettyTransportOptions.builder(TestNode.CLUSTER, dev.floe.raft.NodeId.of("a"), new dev.floe.raft.Endpoint("127.0.0.1", 0))
                .maxFrameBytes(128 << 20).maxQueuedBytes(128L << 20);
        org.assertj.core.api.Assertions.assertThatThrownBy(builder::build)
                .hasMessageContaining("inbound buffer budget 67108864 must hold at least one frame of 134217728");
        assertThat(builder.inbound(InboundLimits.builder().bufferBytes(128L << 20).build()).build().inbound().bufferBytes()).isEqualTo(128L << 20);
    }
}
