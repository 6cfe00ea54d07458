package dev.floe.raft.transport.netty.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the inbound byte stream into frame bodies: a 4-byte big-endian length, then that many
 * bytes. A length above the current maximum or below zero fails at once (without buffering the
 * frame); a connection that ends inside a frame fails too, so a truncated frame is reported, not
 * ignored.
 *
 * <p>Bounded before trust: until {@link #trust()} (the handshake was accepted) the maximum is the
 * small pre-handshake one, so an unauthenticated peer cannot make this node buffer a large frame.
 * Every incomplete frame first reserves its announced length from the port's {@link InboundBudget};
 * when that fails the connection fails with {@link BudgetExhaustedException}.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private final int maxFrameBytes;
    private final InboundBudget budget;
    private int limit;
    /** Bytes reserved for the frame being received; event loop only. */
    private long reserved;

    public FrameDecoder(int maxFrameBytes, int preHandshakeFrameBytes, InboundBudget budget) {
        // The superclass's limit counts the length field itself; decode() checks first with a clearer message.
        super(maxFrameBytes + WireProtocol.LENGTH_PREFIX_BYTES, 0, WireProtocol.LENGTH_PREFIX_BYTES, 0,
                WireProtocol.LENGTH_PREFIX_BYTES, true);
        this.maxFrameBytes = maxFrameBytes;
        this.budget = budget;
        this.limit = Math.min(preHandshakeFrameBytes, maxFrameBytes);
    }

    /** For connections this node dialled: full-size frames from the start, outside any port's budget. */
    public static FrameDecoder dialled(int maxFrameBytes) {
        return new FrameDecoder(maxFrameBytes, maxFrameBytes, new InboundBudget(Long.MAX_VALUE));
    }

    /** The handshake was accepted: frames up to the full maximum are allowed from now on. */
    public void trust() {
        limit = maxFrameBytes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (in.readableBytes() >= WireProtocol.LENGTH_PREFIX_BYTES) {
            int length = in.getInt(in.readerIndex());
            if (length < 0 || length > limit) {
                in.skipBytes(in.readableBytes());
                throw new TooLongFrameException("frame length " + Integer.toUnsignedString(length)
                        + " exceeds the maximum of " + limit + (limit < maxFrameBytes ? " before the handshake" : ""));
            }
            if (reserved == 0 && in.readableBytes() < WireProtocol.LENGTH_PREFIX_BYTES + length) {
                if (!budget.tryReserve(length)) {
                    in.skipBytes(in.readableBytes());
                    throw new BudgetExhaustedException("a frame of " + length + " bytes does not fit the inbound buffer budget of "
                            + budget.limit() + " bytes");
                }
                reserved = length;
            }
        }
        Object frame = super.decode(ctx, in);
        if (frame != null) releaseReserved();
        return frame;
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

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        releaseReserved();
        super.handlerRemoved0(ctx);
    }

    private void releaseReserved() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    /** The port's inbound buffer budget cannot hold this connection's next frame. */
    public static final class BudgetExhaustedException extends io.netty.handler.codec.DecoderException {
        BudgetExhaustedException(String message) {
            super(message);
        }
    }
}
