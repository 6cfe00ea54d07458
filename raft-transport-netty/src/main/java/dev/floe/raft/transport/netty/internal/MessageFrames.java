package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.proto.Frame;
import dev.floe.raft.transport.proto.HeartbeatBatch;
import dev.floe.raft.transport.proto.HostPing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Messages to and from length-prefixed frames: AppendRequest through {@link AppendCodec}, every
 * other message through the generated protobuf classes ({@link MessageCodec}). Both paths produce
 * and accept the same bytes. Version 2 frames name their group ({@code Frame.group}, empty for the
 * default group), may carry several groups' heartbeats ({@code heartbeat_batch}) or a host ping.
 */
public final class MessageFrames {
    /** Frames up to this size are encoded in a reused per-thread array; larger ones in a fresh one. */
    private static final int MAX_SCRATCH_BYTES = 1 << 20;
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[1][];
        }
    };
    private static final Frame PING = Frame.newBuilder().setHostPing(HostPing.getDefaultInstance()).build();
    private static final int FRAME_GROUP_TAG = (15 << 3) | 2;

    /** Where decoded frames go. */
    public interface Sink {
        /** A message of group {@code group} (wire name: empty for the default group). */
        void message(String group, Message message);

        /** A host ping: the sender is alive. */
        void ping();
    }

    private MessageFrames() {
    }

    /**
     * A buffer with the length prefix and the frame carrying {@code message} of the default group;
     * the caller writes or releases it.
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Message message, int maxFrameBytes) throws WireException {
        return encode(alloc, WireProtocol.DEFAULT_GROUP, message, maxFrameBytes);
    }

    /**
     * A buffer with the length prefix and the frame carrying {@code message} of group {@code group}
     * (wire name; empty for the default group, which writes no group field).
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf encode(ByteBufAllocator alloc, String group, Message message, int maxFrameBytes) throws WireException {
        if (!(message instanceof AppendRequest append)) {
            return FrameIo.encode(alloc, withGroup(MessageCodec.encode(message), group), maxFrameBytes);
        }
        AppendCodec.Sizes sizes = AppendCodec.sizes(append, group.getBytes(StandardCharsets.UTF_8));
        if (sizes.frame() > maxFrameBytes) {
            throw new WireException("frame of " + sizes.frame() + " bytes exceeds the maximum of " + maxFrameBytes);
        }
        int total = WireProtocol.LENGTH_PREFIX_BYTES + sizes.frame();
        // Encoded into a per-thread array (plain stores, payloads by arraycopy), then copied once into the buffer.
        byte[] scratch = total <= MAX_SCRATCH_BYTES ? scratch(total) : new byte[total];
        AppendCodec.write(scratch, 0, append, sizes);
        ByteBuf buf = alloc.ioBuffer(total);
        buf.writeBytes(scratch, 0, total);
        return buf;
    }

    /**
     * One {@code heartbeat_batch} frame carrying heartbeat requests and responses of several groups
     * (version 2): {@code groups.get(i)} is the wire name of {@code heartbeats.get(i)}'s group.
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf encodeHeartbeats(ByteBufAllocator alloc, List<String> groups, List<Message> heartbeats,
                                           int maxFrameBytes) throws WireException {
        HeartbeatBatch.Builder batch = HeartbeatBatch.newBuilder();
        for (int i = 0; i < heartbeats.size(); i++) {
            batch.addFrames(withGroup(MessageCodec.encode(heartbeats.get(i)), groups.get(i)));
        }
        return FrameIo.encode(alloc, Frame.newBuilder().setHeartbeatBatch(batch).build(), maxFrameBytes);
    }

    /** A host ping frame (version 2). */
    public static ByteBuf encodePing(ByteBufAllocator alloc) throws WireException {
        return FrameIo.encode(alloc, PING, WireProtocol.LENGTH_PREFIX_BYTES + 16);
    }

    private static Frame withGroup(Frame frame, String group) {
        return group.isEmpty() ? frame : frame.toBuilder().setGroup(group).build();
    }

    private static byte[] scratch(int size) {
        byte[][] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].length < size) {
            holder[0] = new byte[Math.min(MAX_SCRATCH_BYTES, Math.max(size, 64 * 1024))];
        }
        return holder[0];
    }

    /**
     * Decodes {@code body} (a frame without its length prefix) of a connection from {@code from} to
     * {@code to} speaking {@code version}, handing what it carries to {@code sink}. On a version 1
     * connection every message belongs to the default group and batches and pings are refused.
     * Does not release {@code body}. The bytes are copied once; payloads are windows on that copy.
     *
     * @throws WireException when the frame is not valid for the connection's version
     */
    public static void decode(ByteBuf body, NodeId from, NodeId to, int version, Sink sink) throws WireException {
        int length = body.readableBytes();
        byte[] array = new byte[length];
        body.getBytes(body.readerIndex(), array);
        boolean multiGroup = version >= WireProtocol.MULTI_GROUP_VERSION;
        AppendRequest append = AppendCodec.read(array, 0, length, from, to);
        if (append != null) {
            sink.message(multiGroup ? group(array) : WireProtocol.DEFAULT_GROUP, append);
            return;
        }
        Frame frame = FrameIo.parse(array);
        switch (frame.getBodyCase()) {
            case HOST_PING -> {
                if (!multiGroup) throw new WireException("host_ping on a version " + version + " connection");
                sink.ping();
            }
            case HEARTBEAT_BATCH -> {
                if (!multiGroup) throw new WireException("heartbeat_batch on a version " + version + " connection");
                for (Frame inner : frame.getHeartbeatBatch().getFramesList()) {
                    Message m = MessageCodec.decode(inner, from, to);
                    if (!(m instanceof HeartbeatRequest) && !(m instanceof HeartbeatResponse)) {
                        throw new WireException("heartbeat_batch carries a " + inner.getBodyCase());
                    }
                    sink.message(inner.getGroup(), m);
                }
            }
            default -> sink.message(multiGroup ? frame.getGroup() : WireProtocol.DEFAULT_GROUP,
                    MessageCodec.decode(frame, from, to));
        }
    }

    /** The {@code group} field of a top-level frame (the last one wins, as in protobuf), empty when absent. */
    private static String group(byte[] array) throws WireException {
        WireReader in = new WireReader(array, 0, array.length);
        String group = WireProtocol.DEFAULT_GROUP;
        while (!in.atEnd()) {
            int tag = in.tag();
            if (tag == FRAME_GROUP_TAG) {
                int length = in.length();
                group = in.string(length);
            } else {
                in.skipField(tag);
            }
        }
        return group;
    }
}
