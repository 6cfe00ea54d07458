package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.netty.internal.ByteStrings;
import dev.floe.raft.transport.netty.internal.FrameIo;
import dev.floe.raft.transport.netty.internal.MessageCodec;
import dev.floe.raft.transport.netty.internal.WireException;
import dev.floe.raft.transport.netty.internal.WireProtocol;
import dev.floe.raft.transport.proto.ClusterConfig;
import dev.floe.raft.transport.proto.Entry;
import dev.floe.raft.transport.proto.Frame;
import dev.floe.raft.transport.proto.Handshake;
import dev.floe.raft.transport.proto.SnapshotMeta;
import dev.floe.raft.transport.proto.SnapshotRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The protobuf mapping without sockets: every message type round-trips, and invalid input is a {@link WireException}. */
class MessageCodecTest {
    private static final NodeId A = NodeId.of("n1");
    private static final NodeId B = NodeId.of("n2");

    @Test
    void everyPermittedMessageTypeHasAGeneratorAndAMapping() {
        Set<Class<?>> permitted = new HashSet<>(Arrays.asList(Message.class.getPermittedSubclasses()));
        assertThat(permitted).containsExactlyInAnyOrderElementsOf(RandomMessages.TYPES);
        RandomMessages random = new RandomMessages(1);
        for (Class<? extends Message> type : RandomMessages.TYPES) {
            Frame frame = MessageCodec.encode(random.of(type, A, B));
            assertThat(frame.getBodyCase()).isNotIn(Frame.BodyCase.BODY_NOT_SET, Frame.BodyCase.HANDSHAKE);
        }
    }

    @Test
    void randomMessagesOfEveryTypeRoundTripThroughFrames() throws Exception {
        RandomMessages random = new RandomMessages(42);
        for (int i = 0; i < 3000; i++) {
            NodeId from = random.nodeId();
            NodeId to = random.nodeId();
            Message message = random.of(RandomMessages.TYPES.get(i % RandomMessages.TYPES.size()), from, to);
            assertThat(roundTrip(message)).as("round trip of %s", message).isEqualTo(message);
        }
    }

    @Test
    void decodedPayloadsAreWindowsOnOneArrayPerFrame() throws Exception {
        AppendRequest request = RandomMessages.append(A, B, 10, 4, 32);
        AppendRequest decoded = (AppendRequest) roundTrip(request);
        assertThat(decoded).isEqualTo(request);
        // Zero-copy decoding: every entry's payload is a view of the same array (the frame's one copy).
        Object first = backingArray(decoded.entries().get(0).data());
        for (var entry : decoded.entries()) assertThat(backingArray(entry.data())).isSameAs(first);
        assertThat(((byte[]) first).length).isGreaterThan(4 * 32);
    }

    private static Object backingArray(Bytes bytes) throws ReflectiveOperationException {
        java.lang.reflect.Field array = Bytes.class.getDeclaredField("array");
        array.setAccessible(true);
        return array.get(bytes);
    }

    @Test
    void aFrameWithNoMessageIsRejected() {
        assertThatThrownBy(() -> MessageCodec.decode(Frame.getDefaultInstance(), A, B))
                .isInstanceOf(WireException.class).hasMessageContaining("no message");
    }

    @Test
    void aHandshakeInsteadOfAMessageIsRejected() {
        Frame frame = Frame.newBuilder().setHandshake(Handshake.newBuilder().setClusterId("c")).build();
        assertThatThrownBy(() -> MessageCodec.decode(frame, A, B)).isInstanceOf(WireException.class);
    }

    @Test
    void aNegativeIndexIsRejected() {
        Frame frame = Frame.newBuilder().setAppendRequest(dev.floe.raft.transport.proto.AppendRequest.newBuilder()
                .setTerm(1).setPrevLogIndex(-5)).build();
        assertThatThrownBy(() -> MessageCodec.decode(frame, A, B))
                .isInstanceOf(WireException.class).hasMessageContaining("prev_log_index");
    }

    @Test
    void aNegativeTermIsRejected() {
        Frame frame = Frame.newBuilder().setVoteResponse(dev.floe.raft.transport.proto.VoteResponse.newBuilder()
                .setTerm(Long.MIN_VALUE)).build();
        assertThatThrownBy(() -> MessageCodec.decode(frame, A, B)).isInstanceOf(WireException.class);
    }

    @Test
    void entriesThatDoNotFollowPrevLogIndexAreRejected() {
        Frame frame = Frame.newBuilder().setAppendRequest(dev.floe.raft.transport.proto.AppendRequest.newBuilder()
                .setTerm(2).setPrevLogIndex(4)
                .addEntries(Entry.newBuilder().setTerm(2).setIndex(5))
                .addEntries(Entry.newBuilder().setTerm(2).setIndex(7))).build();
        assertThatThrownBy(() -> MessageCodec.decode(frame, A, B))
                .isInstanceOf(WireException.class).hasMessageContaining("entry index 7");
    }

    @Test
    void anEntryWithTermZeroOrAnUnknownTypeIsRejected() {
        Frame termZero = Frame.newBuilder().setAppendRequest(dev.floe.raft.transport.proto.AppendRequest.newBuilder()
                .setTerm(2).addEntries(Entry.newBuilder().setIndex(1))).build();
        Frame badType = Frame.newBuilder().setAppendRequest(dev.floe.raft.transport.proto.AppendRequest.newBuilder()
                .setTerm(2).addEntries(Entry.newBuilder().setIndex(1).setTerm(1).setTypeValue(99))).build();
        assertThatThrownBy(() -> MessageCodec.decode(termZero, A, B)).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> MessageCodec.decode(badType, A, B)).isInstanceOf(WireException.class);
    }

    @Test
    void aSnapshotWithoutMetaOrConfigIsRejected() {
        Frame noMeta = Frame.newBuilder().setSnapshotRequest(SnapshotRequest.newBuilder().setTerm(1)).build();
        Frame noConfig = Frame.newBuilder().setSnapshotRequest(SnapshotRequest.newBuilder().setTerm(1)
                .setMeta(SnapshotMeta.newBuilder().setLastIndex(3).setLastTerm(1))).build();
        assertThatThrownBy(() -> MessageCodec.decode(noMeta, A, B)).isInstanceOf(WireException.class).hasMessageContaining("meta");
        assertThatThrownBy(() -> MessageCodec.decode(noConfig, A, B)).isInstanceOf(WireException.class).hasMessageContaining("config");
    }

    @Test
    void invalidNodeIdsAndInconsistentConfigsAreRejected() {
        Frame badId = snapshotWith(ClusterConfig.newBuilder().addVoters("no spaces allowed").build());
        Frame overlap = snapshotWith(ClusterConfig.newBuilder().addVoters("n1").addLearners("n1").build());
        Frame duplicate = snapshotWith(ClusterConfig.newBuilder().addVoters("n1").addVoters("n1").build());
        assertThatThrownBy(() -> MessageCodec.decode(badId, A, B)).isInstanceOf(WireException.class).hasMessageContaining("node id");
        assertThatThrownBy(() -> MessageCodec.decode(overlap, A, B)).isInstanceOf(WireException.class);
        assertThatThrownBy(() -> MessageCodec.decode(duplicate, A, B)).isInstanceOf(WireException.class).hasMessageContaining("duplicate");
    }

    @Test
    void snapshotMetaWithIndexButNoTermIsRejected() {
        Frame frame = Frame.newBuilder().setSnapshotRequest(SnapshotRequest.newBuilder().setTerm(1)
                .setMeta(SnapshotMeta.newBuilder().setLastIndex(3).setConfig(ClusterConfig.getDefaultInstance()))).build();
        assertThatThrownBy(() -> MessageCodec.decode(frame, A, B)).isInstanceOf(WireException.class);
    }

    @Test
    void framesOverTheMaximumAreNotEncoded() {
        AppendRequest big = RandomMessages.append(A, B, 0, 16, 1024);
        assertThatThrownBy(() -> FrameIo.encode(PooledByteBufAllocator.DEFAULT, MessageCodec.encode(big), 8 * 1024))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds");
    }

    @Test
    void truncatedOrGarbageBodiesAreRejected() throws Exception {
        byte[] full = MessageCodec.encode(RandomMessages.append(A, B, 0, 2, 64)).toByteArray();
        ByteBuf truncated = io.netty.buffer.Unpooled.wrappedBuffer(Arrays.copyOf(full, full.length - 10));
        ByteBuf garbage = io.netty.buffer.Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        try {
            assertThatThrownBy(() -> FrameIo.parse(truncated)).isInstanceOf(WireException.class);
            assertThatThrownBy(() -> FrameIo.parse(garbage)).isInstanceOf(WireException.class);
        } finally {
            truncated.release();
            garbage.release();
        }
    }

    @Test
    void emptyPayloadsDecodeToEmpty() {
        assertThat(ByteStrings.toBytes(ByteString.EMPTY)).isSameAs(Bytes.EMPTY);
        assertThat(ByteStrings.of(Bytes.EMPTY)).isSameAs(ByteString.EMPTY);
    }

    private static Frame snapshotWith(ClusterConfig config) {
        return Frame.newBuilder().setSnapshotRequest(SnapshotRequest.newBuilder().setTerm(1)
                .setMeta(SnapshotMeta.newBuilder().setLastIndex(3).setLastTerm(1).setConfig(config))).build();
    }

    /** Through the real framing: encode into a pooled buffer, strip the prefix, parse, decode. */
    private static Message roundTrip(Message message) throws WireException {
        ByteBuf buf = FrameIo.encode(PooledByteBufAllocator.DEFAULT, MessageCodec.encode(message), 1 << 20);
        try {
            assertThat(buf.getInt(0)).isEqualTo(buf.readableBytes() - WireProtocol.LENGTH_PREFIX_BYTES);
            ByteBuf body = buf.slice(WireProtocol.LENGTH_PREFIX_BYTES, buf.readableBytes() - WireProtocol.LENGTH_PREFIX_BYTES);
            return MessageCodec.decode(FrameIo.parse(body), message.from(), message.to());
        } finally {
            buf.release();
        }
    }
}
