package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.netty.internal.AppendCodec;
import dev.floe.raft.transport.netty.internal.MessageCodec;
import dev.floe.raft.transport.netty.internal.MessageFrames;
import dev.floe.raft.transport.netty.internal.WireException;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written AppendRequest path against the generated protobuf classes, byte for byte. */
class AppendCodecTest {
    private static final NodeId A = NodeId.of("leader");
    private static final NodeId B = NodeId.of("follower");

    @Test
    void encodingIsByteIdenticalToTheGeneratedClasses() throws Exception {
        RandomMessages random = new RandomMessages(11);
        for (int i = 0; i < 2000; i++) {
            AppendRequest m = (AppendRequest) random.of(AppendRequest.class, A, B);
            byte[] fast = fastFrame(m);
            assertThat(fast).as("frame of %s", m).isEqualTo(MessageCodec.encode(m).toByteArray());
            assertThat(AppendCodec.read(fast, 0, fast.length, A, B)).isEqualTo(m);
        }
    }

    @Test
    void entryTypeWireNumbersAreTheCoreOrdinals() {
        for (EntryType type : EntryType.values()) {
            var entry = dev.floe.raft.Entry.command(1, 1, dev.floe.raft.Bytes.EMPTY);
            var typed = new dev.floe.raft.Entry(1, 1, type, entry.data());
            int wire = MessageCodec.encode(new AppendRequest(A, B, 1, 0, 0, java.util.List.of(typed), 0))
                    .getAppendRequest().getEntries(0).getTypeValue();
            assertThat(wire).isEqualTo(type.ordinal());
        }
    }

    @Test
    void unknownFieldsAreSkippedAtEveryLevel() throws Exception {
        AppendRequest m = RandomMessages.append(A, B, 41, 3, 10);
        Frame generated = MessageCodec.encode(m);
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).addLengthDelimited(ByteString.copyFromUtf8("x")).addFixed64(1).addFixed32(2).build())
                .build();
        var request = generated.getAppendRequest().toBuilder().setUnknownFields(unknown);
        request.setEntries(1, request.getEntries(1).toBuilder().setUnknownFields(unknown));
        byte[] bytes = Frame.newBuilder().setAppendRequest(request).setUnknownFields(unknown).build().toByteArray();
        assertThat(AppendCodec.read(bytes, 0, bytes.length, A, B)).isEqualTo(m);
    }

    @Test
    void fieldsInAnyOrderDecode() throws Exception {
        AppendRequest m = RandomMessages.append(A, B, 5, 2, 4);
        var r = MessageCodec.encode(m).getAppendRequest();
        // Entries first, then the scalars in reverse order: valid protobuf, unusual order.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var e : r.getEntriesList()) {
            body.write(0x22);
            body.write(e.getSerializedSize());
            e.writeTo(body);
        }
        body.writeBytes(new byte[] {0x28, (byte) r.getLeaderCommit(), 0x18, (byte) r.getPrevLogTerm(), 0x10, (byte) r.getPrevLogIndex(), 0x08, (byte) r.getTerm()});
        byte[] inner = body.toByteArray();
        byte[] frame = new byte[2 + inner.length];
        frame[0] = 0x22;
        frame[1] = (byte) inner.length;
        System.arraycopy(inner, 0, frame, 2, inner.length);
        assertThat(Frame.parseFrom(frame).getAppendRequest()).isEqualTo(r);
        assertThat(AppendCodec.read(frame, 0, frame.length, A, B)).isEqualTo(m);
    }

    @Test
    void aRepeatedScalarFieldKeepsTheLastValueLikeProtobuf() throws Exception {
        // Entry{term: 2, index: 1, data: "a", term: 5}: the canonical prefix, then a second term.
        byte[] entry = {0x08, 2, 0x10, 1, 0x22, 1, 'a', 0x08, 5};
        byte[] frame = new byte[4 + entry.length];
        frame[0] = 0x22;
        frame[1] = (byte) (2 + entry.length);
        frame[2] = 0x22;
        frame[3] = (byte) entry.length;
        System.arraycopy(entry, 0, frame, 4, entry.length);
        AppendRequest fast = AppendCodec.read(frame, 0, frame.length, A, B);
        assertThat(fast.entries().get(0).term()).isEqualTo(5);
        assertThat(fast).isEqualTo(MessageCodec.decode(Frame.parseFrom(frame), A, B));
    }

    @Test
    void otherFramesAreLeftToTheGenericDecoder() throws Exception {
        byte[] vote = MessageCodec.encode(new RandomMessages(1).of(dev.floe.raft.message.VoteRequest.class, A, B)).toByteArray();
        assertThat(AppendCodec.read(vote, 0, vote.length, A, B)).isNull();
        assertThat(AppendCodec.read(new byte[0], 0, 0, A, B)).isNull();
    }

    @Test
    void aFrameWithTwoMessagesIsRejected() throws Exception {
        byte[] append = MessageCodec.encode(RandomMessages.append(A, B, 0, 1, 1)).toByteArray();
        byte[] heartbeat = MessageCodec.encode(new dev.floe.raft.message.HeartbeatRequest(A, B, 1, 0, 0)).toByteArray();
        byte[] both = Arrays.copyOf(append, append.length + heartbeat.length);
        System.arraycopy(heartbeat, 0, both, append.length, heartbeat.length);
        assertThatThrownBy(() -> AppendCodec.read(both, 0, both.length, A, B))
                .isInstanceOf(WireException.class).hasMessageContaining("more than one message");
    }

    @Test
    void everyTruncationIsAWireException() throws Exception {
        byte[] frame = fastFrame(RandomMessages.append(A, B, 300, 4, 140));
        for (int len = 1; len < frame.length; len++) {
            int n = len;
            assertThatThrownBy(() -> AppendCodec.read(frame, 0, n, A, B)).as("prefix of %d bytes", n).isInstanceOf(WireException.class);
        }
    }

    /** Differential fuzz: on mutated frames the fast path fails only with WireException and agrees with protobuf when both decode. */
    @Test
    void mutatedFramesAgreeWithTheGeneratedDecoder() throws Exception {
        Random random = new Random(99);
        RandomMessages messages = new RandomMessages(98);
        int bothDecoded = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] frame = fastFrame((AppendRequest) messages.of(AppendRequest.class, A, B));
            for (int k = 1 + random.nextInt(3); k > 0; k--) frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
            frame[0] = 0x22; // keep it an append frame so the fast path is exercised
            Message fast;
            try {
                fast = AppendCodec.read(frame, 0, frame.length, A, B);
            } catch (WireException e) {
                continue;
            }
            Message generic;
            try {
                generic = MessageCodec.decode(Frame.parseFrom(frame), A, B);
            } catch (WireException | com.google.protobuf.InvalidProtocolBufferException e) {
                continue;
            }
            assertThat(fast).isEqualTo(generic);
            bothDecoded++;
        }
        assertThat(bothDecoded).isPositive();
    }

    private static byte[] fastFrame(AppendRequest m) throws WireException {
        ByteBuf buf = MessageFrames.encode(PooledByteBufAllocator.DEFAULT, m, 16 << 20);
        try {
            assertThat(buf.getInt(0)).isEqualTo(buf.readableBytes() - 4);
            return ByteBufUtil.getBytes(buf, 4, buf.readableBytes() - 4);
        } finally {
            buf.release();
        }
    }
}
