package dev.floe.raft.transport.netty.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Serializes {@link Frame}s into length-prefixed buffers and parses received frame bodies. */
public final class FrameIo {
    private FrameIo() {
    }

    /**
     * A buffer holding the 4-byte length and {@code frame}, which the caller must release or write.
     *
     * @throws WireException when the frame is larger than {@code maxFrameBytes}
     */
    public static ByteBuf encode(ByteBufAllocator alloc, Frame frame, int maxFrameBytes) throws WireException {
        int size = frame.getSerializedSize();
        if (size > maxFrameBytes) {
            throw new WireException("frame of " + size + " bytes exceeds the maximum of " + maxFrameBytes);
        }
        ByteBuf buf = alloc.ioBuffer(WireProtocol.LENGTH_PREFIX_BYTES + size);
        boolean done = false;
        try {
            buf.writeInt(size);
            if (buf.nioBufferCount() == 1) {
                // Serialize straight into the buffer's memory, then move the writer index past it.
                ByteBuffer target = buf.nioBuffer(WireProtocol.LENGTH_PREFIX_BYTES, size);
                CodedOutputStream out = CodedOutputStream.newInstance(target);
                frame.writeTo(out);
                out.flush();
                out.checkNoSpaceLeft();
                buf.writerIndex(WireProtocol.LENGTH_PREFIX_BYTES + size);
            } else {
                buf.writeBytes(frame.toByteArray());
            }
            done = true;
            return buf;
        } catch (IOException e) {
            throw new WireException("cannot serialize frame", e);
        } finally {
            if (!done) buf.release();
        }
    }

    /**
     * Parses the readable bytes of {@code body} (the frame without its length prefix) and does not
     * release it. The bytes are copied once into an array the returned frame owns; payloads decoded
     * from it are windows on that array.
     */
    public static Frame parse(ByteBuf body) throws WireException {
        return parse(copy(body));
    }

    /** The readable bytes of {@code body} in an array of their own; {@code body} is not released. */
    public static byte[] copy(ByteBuf body) {
        byte[] array = new byte[body.readableBytes()];
        body.getBytes(body.readerIndex(), array);
        return array;
    }

    /** Parses {@code array}, which the returned frame's payloads alias: the caller must not change it. */
    public static Frame parse(byte[] array) throws WireException {
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(array).newCodedInput();
        in.enableAliasing(true);
        try {
            Frame frame = Frame.parseFrom(in);
            if (!in.isAtEnd()) throw new WireException("trailing bytes after the frame");
            return frame;
        } catch (InvalidProtocolBufferException e) {
            throw new WireException("malformed frame: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new WireException("unreadable frame: " + e.getMessage(), e);
        }
    }
}
