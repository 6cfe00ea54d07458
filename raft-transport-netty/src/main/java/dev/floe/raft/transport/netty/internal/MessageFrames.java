package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Messages to and from length-prefixed frames: AppendRequest through {@link AppendCodec}, every
 * other message through the generated protobuf classes ({@link MessageCodec}). Both paths produce
 * and accept the same bytes.
 */
public final class MessageFrames {
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
        ByteBuf buf = alloc.ioBuffer(total);
        try {
            if (buf.nioBufferCount() == 1) {
                // One view of the buffer's memory; payloads are copied from their arrays in one step each.
                AppendCodec.write(buf.nioBuffer(0, total), append, sizes);
            } else {
                ByteBuffer heap = ByteBuffer.allocate(total);
                AppendCodec.write(heap, append, sizes);
                buf.setBytes(0, heap.flip());
            }
            buf.writerIndex(total);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return buf;
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
