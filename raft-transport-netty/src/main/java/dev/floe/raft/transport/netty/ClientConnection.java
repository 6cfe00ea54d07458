package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.transport.netty.internal.ClientCodec;
import dev.floe.raft.transport.netty.internal.FrameIo;
import dev.floe.raft.transport.netty.internal.Throwables;
import dev.floe.raft.transport.netty.internal.WireException;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import javax.net.ssl.SSLHandshakeException;

/**
 * A {@link RaftClient}'s connection to one member, and the handler of its channel. Its state is
 * touched only on the client's event loop. Requests are pipelined: {@link #sent} holds the ones
 * written and not yet answered, in send order (so the oldest deadline is first).
 */
final class ClientConnection extends ChannelInboundHandlerAdapter {
    final Endpoint endpoint;
    private final ClientDispatcher dispatcher;
    final LinkedHashMap<Long, ClientCall> sent = new LinkedHashMap<>();
    final ArrayDeque<ClientCall> waiting = new ArrayDeque<>();
    Channel channel;
    boolean ready;
    boolean closed;
    boolean dirty;

    ClientConnection(Endpoint endpoint, ClientDispatcher dispatcher) {
        this.endpoint = endpoint;
        this.dispatcher = dispatcher;
    }

    boolean idle() {
        return sent.isEmpty() && waiting.isEmpty();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            if (closed) return;
            byte[] array = FrameIo.copy(body);
            // The usual answer, an OK, without protobuf objects; anything else is parsed in full.
            ClientCodec.Ok ok = ClientCodec.readOk(array);
            if (ok != null) {
                dispatcher.onOk(this, ok.requestId(), ok.result());
                return;
            }
            Frame frame = FrameIo.parse(array);
            if (!frame.hasClientResponse()) throw new WireException("unexpected " + frame.getBodyCase() + " frame from a member");
            dispatcher.onResponse(this, frame.getClientResponse());
        } catch (WireException e) {
            dispatcher.onBroken(this, e.getMessage());
        } finally {
            ReferenceCountUtil.release(body);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        dispatcher.flushDirty();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLHandshakeException refused = Throwables.find(cause, SSLHandshakeException.class);
        if (refused != null) {
            dispatcher.onTlsRefused(this, "TLS handshake failed: " + refused.getMessage());
            return;
        }
        dispatcher.onBroken(this, cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dispatcher.onClosed(this, "connection closed");
    }
}
