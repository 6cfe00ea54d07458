package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Messages to and from length-prefixed frames: AppendRequest through {@link AppendCodec}, every
 * other message through the generated protobuf classes ({@link MessageCodec}). Both paths produce
 * and accept the same bytes.
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
    private MessageFrames() {
    }

    /**
     * A buffer with the length prefix and the frame carrying {@code message}; the caller writes or releases it.
     *
     * @throws WireException when the frame would exceed {@code maxFrameBytes}
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Message message, int maxFrameBytes) throws WireException {
        if (!(message instanceof AppendRequest append)) {
            return FrameIo.encode(alloc, MessageCodec.encode(message), maxFrameBytes);
        }
        AppendCodec.Sizes sizes = AppendCodec.sizes(append);
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

    private static byte[] scratch(int size) {
        byte[][] holder = SCRATCH.get();
        if (holder[0] == null || holder[0].length < size) {
            holder[0] = new byte[Math.min(MAX_SCRATCH_BYTES, Math.max(size, 64 * 1024))];
        }
        return holder[0];
    }

    /**
     * The message in {@code body} (a frame without its length prefix), sent by {@code from} to
     * {@code to}. Does not release {@code body}. The bytes are copied once; payloads are windows on that copy.
     */
    public static Message decode(ByteBuf body, NodeId from, NodeId to) throws WireException {
        int length = body.readableBytes();
        byte[] array = new byte[length];
        body.getBytes(body.readerIndex(), array);
        AppendRequest append = AppendCodec.read(array, 0, length, from, to);
        if (append != null) return append;
        return MessageCodec.decode(FrameIo.parse(array), from, to);
    }
}
