package dev.floe.raft.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the inbound byte stream into frame bodies: a 4-byte big-endian length, then that many
 * bytes. A length above the maximum or below zero fails at once (without buffering the frame);
 * a connection that ends inside a frame fails too, so a truncated frame is reported, not ignored.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrameBytes;

    public FrameDecoder(int maxFrameBytes) {
        // The superclass's limit counts the length field itself; decode() checks first with a clearer message.
        super(maxFrameBytes + WireProtocol.LENGTH_PREFIX_BYTES, 0, WireProtocol.LENGTH_PREFIX_BYTES, 0,
                WireProtocol.LENGTH_PREFIX_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= WireProtocol.LENGTH_PREFIX_BYTES) {
            int length = in.getInt(in.readerIndex());
            if (length < 0 || length > maxFrameBytes) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame length " + Integer.toUnsignedString(length)
                        + " exceeds the maximum of " + maxFrameBytes);
            }
        }
        return super.decode(ctx, in);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            int pending = in.readableBytes();
            in.skipBytes(pending);
            throw new CorruptedFrameException("connection ended inside a frame (" + pending + " bytes pending)");
        }
    }
}
