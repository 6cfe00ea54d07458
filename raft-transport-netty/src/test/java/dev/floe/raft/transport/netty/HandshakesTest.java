package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.NodeId;
import dev.floe.raft.transport.netty.internal.Handshakes;
import dev.floe.raft.transport.netty.internal.WireException;
import dev.floe.raft.transport.proto.Frame;
import dev.floe.raft.transport.proto.Handshake;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandshakesTest {
    private static final NodeId SELF = NodeId.of("n1");
    private static final Set<NodeId> KNOWN = Set.of(NodeId.of("n2"), NodeId.of("n3"));

    @Test
    void aHandshakeFromAKnownPeerOfThisClusterIsAccepted() throws Exception {
        Frame frame = Handshakes.frame("prod", NodeId.of("n2"), SELF);
        assertThat(Handshakes.accept(frame, "prod", SELF, KNOWN::contains)).isEqualTo(NodeId.of("n2"));
    }

    @Test
    void eachWrongFieldIsRefusedWithItsReason() {
        assertRefused(Handshakes.frame("staging", NodeId.of("n2"), SELF), "wrong cluster id 'staging'");
        assertRefused(Handshakes.frame("prod", NodeId.of("n9"), SELF), "unknown node id n9");
        assertRefused(Handshakes.frame("prod", NodeId.of("n2"), NodeId.of("n3")), "addressed to node n3");
        assertRefused(Handshakes.frame("prod", SELF, SELF), "from this node");
        assertRefused(with(h -> h.setProtocolVersion(3)), "unsupported protocol version 3");
        assertRefused(with(h -> h.setProtocolVersion(0)), "unsupported protocol version 0");
        assertRefused(with(h -> h.setFrom("")), "invalid node id");
        assertRefused(Frame.getDefaultInstance(), "not a handshake");
    }

    private static Frame with(java.util.function.Consumer<Handshake.Builder> change) {
        Handshake.Builder b = Handshakes.frame("prod", NodeId.of("n2"), SELF).getHandshake().toBuilder();
        change.accept(b);
        return Frame.newBuilder().setHandshake(b).build();
    }

    private static void assertRefused(Frame frame, String reason) {
        assertThatThrownBy(() -> Handshakes.accept(frame, "prod", SELF, KNOWN::contains))
                .isInstanceOf(WireException.class).hasMessageContaining(reason);
    }
}
