package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import dev.floe.raft.Bytes;
import dev.floe.raft.transport.netty.internal.ClientCodec;
import dev.floe.raft.transport.netty.internal.ClientFrames;
import dev.floe.raft.transport.proto.ClientNotLeader;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written submit and OK frames against the generated protobuf classes, byte for byte, and its fallbacks. */
class ClientCodecTest {
    private static final int MAX = 1 << 20;
    private static final long[] NUMBERS = {0, 1, 127, 128, 16_383, 16_384, 1L << 35, Long.MAX_VALUE, -1};

    private static byte[] body(ByteBuf framed) {
        try {
            assertThat(framed.readInt()).isEqualTo(framed.readableBytes());
            return ByteBufUtil.getBytes(framed);
        } finally {
            framed.release();
        }
    }

    private static Bytes payload(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return Bytes.wrap(b);
    }

    @Test
    void submitIsByteIdenticalToTheGeneratedClassesAndReadsBack() throws Exception {
        Random random = new Random(5);
        for (long requestId : NUMBERS) {
            for (long sequence : NUMBERS) {
                for (int size : new int[] {0, 1, 128, 200, 70_000}) {
                    String client = size % 2 == 0 ? "client-é" : "c";
                    long lowest = requestId == 0 ? 0 : Math.min(3, sequence);
                    Bytes command = payload(random, size);
                    byte[] fast = body(ClientCodec.submit(UnpooledByteBufAllocator.DEFAULT, requestId,
                            client.getBytes(StandardCharsets.UTF_8), sequence, lowest, command, MAX));
                    assertThat(fast).isEqualTo(ClientFrames.submit(requestId, client, sequence, lowest, command).toByteArray());

                    ClientCodec.Submit read = ClientCodec.readSubmit(fast, client.getBytes(StandardCharsets.UTF_8));
                    boolean acceptable = requestId != 0 && sequence != 0 && Long.compareUnsigned(lowest, sequence) <= 0;
                    if (acceptable) {
                        assertThat(read).isEqualTo(new ClientCodec.Submit(requestId, sequence, lowest, command));
                    } else {
                        assertThat(read).as("left to the full parser and its checks").isNull();
                    }
                }
            }
        }
    }

    @Test
    void okIsByteIdenticalToTheGeneratedClassesAndReadsBack() throws Exception {
        Random random = new Random(6);
        for (long requestId : NUMBERS) {
            for (int size : new int[] {0, 8, 300}) {
                Bytes result = payload(random, size);
                byte[] fast = body(ClientCodec.ok(UnpooledByteBufAllocator.DEFAULT, requestId, result, MAX));
                assertThat(fast).isEqualTo(ClientFrames.ok(requestId, result).toByteArray());
                assertThat(ClientCodec.readOk(fast)).isEqualTo(requestId == 0 ? null : new ClientCodec.Ok(requestId, result));
            }
        }
    }

    @Test
    void anythingButTheCanonicalShapeIsLeftToTheGeneratedClasses() {
        byte[] id = "me".getBytes(StandardCharsets.UTF_8);
        Frame submit = ClientFrames.submit(4, "me", 2, 1, Bytes.utf8("x"));
        assertThat(ClientCodec.readSubmit(submit.toByteArray(), id)).isNotNull();
        // Another session's id, a query, a response where a submit is expected and vice versa.
        assertThat(ClientCodec.readSubmit(submit.toByteArray(), "you".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(ClientCodec.readSubmit(ClientFrames.query(4, Bytes.utf8("q")).toByteArray(), id)).isNull();
        assertThat(ClientCodec.readSubmit(ClientFrames.ok(4, Bytes.utf8("r")).toByteArray(), id)).isNull();
        assertThat(ClientCodec.readOk(submit.toByteArray())).isNull();
        assertThat(ClientCodec.readOk(ClientFrames.notLeader(4, ClientNotLeader.newBuilder().setMemberId("n1").build()).toByteArray())).isNull();
        // An unknown field inside, or a second body after it.
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder().addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
        Frame withUnknown = submit.toBuilder().setClientSubmit(submit.getClientSubmit().toBuilder().setUnknownFields(unknown)).build();
        assertThat(ClientCodec.readSubmit(withUnknown.toByteArray(), id)).isNull();
        byte[] twice = concat(submit.toByteArray(), submit.toByteArray());
        assertThat(ClientCodec.readSubmit(twice, id)).isNull();
        // Truncated anywhere: never an exception, always the fallback.
        byte[] full = ClientFrames.ok(9, Bytes.utf8("result")).toByteArray();
        for (int cut = 0; cut < full.length; cut++) {
            assertThat(ClientCodec.readOk(Arrays.copyOf(full, cut))).isNull();
        }
        byte[] fullSubmit = submit.toByteArray();
        for (int cut = 0; cut < fullSubmit.length; cut++) {
            assertThat(ClientCodec.readSubmit(Arrays.copyOf(fullSubmit, cut), id)).isNull();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
