package dev.floe.raft.transport.netty.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The handler of a dialled connection. The accepting side never writes on it, so anything read is
 * discarded; reading still matters because it is how a closed peer is noticed. Writability changes
 * resume the link's queue; errors close the connection and the link backs off.
 */
final class OutboundHandler extends ChannelInboundHandlerAdapter {
    private final PeerLink link;

    OutboundHandler(PeerLink link) {
        this.link = link;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) link.drainOnLoop();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        link.connectionFailed(ctx.channel(), cause);
        ctx.close();
    }
}
