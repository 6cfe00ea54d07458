package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.transport.proto.Frame;
import dev.floe.raft.transport.proto.Handshake;
import java.util.function.Predicate;

/** Builds the dialer's handshake and checks a received one. */
public final class Handshakes {
    private Handshakes() {
    }

    /** The first frame on a connection from {@code from} to {@code to}. */
    public static Frame frame(String clusterId, NodeId from, NodeId to) {
        return frame(WireProtocol.CURRENT_VERSION, clusterId, from, to);
    }

    /** The first frame on a connection from {@code from} to {@code to} speaking {@code version}. */
    public static Frame frame(int version, String clusterId, NodeId from, NodeId to) {
        return Frame.newBuilder().setHandshake(Handshake.newBuilder()
                .setProtocolVersion(version)
                .setClusterId(clusterId)
                .setFrom(from.value())
                .setTo(to.value())).build();
    }

    /**
     * The dialer's node id when {@code frame} is an acceptable handshake for node {@code self} of
     * cluster {@code clusterId} from a peer {@code known} accepts.
     *
     * @throws WireException naming the reason otherwise
     */
    public static NodeId accept(Frame frame, String clusterId, NodeId self, Predicate<NodeId> known) throws WireException {
        if (!frame.hasHandshake()) throw new WireException("first frame is not a handshake");
        Handshake h = frame.getHandshake();
        int version = h.getProtocolVersion();
        if (version < WireProtocol.MIN_SUPPORTED_VERSION || version > WireProtocol.CURRENT_VERSION) {
            throw new WireException("unsupported protocol version " + Integer.toUnsignedString(version) + " (this node speaks "
                    + WireProtocol.MIN_SUPPORTED_VERSION + ".." + WireProtocol.CURRENT_VERSION + ")");
        }
        if (!h.getClusterId().equals(clusterId)) {
            throw new WireException("wrong cluster id '" + printable(h.getClusterId()) + "' (expected '" + clusterId + "')");
        }
        NodeId from = ValueCodec.nodeId(h.getFrom(), "handshake.from");
        NodeId to = ValueCodec.nodeId(h.getTo(), "handshake.to");
        if (!to.equals(self)) throw new WireException("handshake addressed to node " + to + ", this is " + self);
        if (from.equals(self)) throw new WireException("handshake claims to come from this node (" + self + ")");
        if (!known.test(from)) throw new WireException("unknown node id " + from);
        return from;
    }

    /** At most 64 characters of {@code text}, for log lines about untrusted input. */
    private static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
