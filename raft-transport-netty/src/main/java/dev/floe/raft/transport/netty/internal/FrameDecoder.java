package dev.floe.raft.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into frame bodies: a 4-byte big-endian length, then that many
 * bytes. A length above the maximum or below zero fails at once (without buffering the frame);
 * a connection that ends inside a frame fails too, so a truncated frame is reported, not ignored.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    public FrameDecoder(int maxFrameBytes) {
        // The decoder's limit counts the length field itself.
        super(maxFrameBytes + WireProtocol.LENGTH_PREFIX_BYTES, 0, WireProtocol.LENGTH_PREFIX_BYTES, 0,
                WireProtocol.LENGTH_PREFIX_BYTES, true);
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
