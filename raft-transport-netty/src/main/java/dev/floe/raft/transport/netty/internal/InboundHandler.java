package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.Message;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an accepted connection: checks the handshake, then decodes each frame into a
 * {@link Message} and hands it to the core.
 *
 * <p>Any violation (bad handshake, a certificate that does not name the claimed node, undecodable
 * frame, TLS failure, no handshake in time, inbound buffer budget exhausted) closes the connection
 * with one log line naming the remote address and the reason (at most one per address per
 * interval, with a count of the rest), and is counted;
 * nothing is thrown past this handler, so other connections and the node are unaffected.
 */
public final class InboundHandler extends ChannelInboundHandlerAdapter implements MessageFrames.Sink {
    /** The peer a connection comes from, set once its handshake is accepted. */
    public static final AttributeKey<NodeId> PEER = AttributeKey.valueOf("floe.peer");

    private static final Logger log = LoggerFactory.getLogger(InboundHandler.class);

    private enum Failure { DECODE, REJECT, IO }

    private final InboundContext context;
    private final FrameDecoder decoder;
    private final ConnectionGate.Ticket untrusted;
    private NodeId remote;
    /** The protocol version of the accepted handshake. */
    private int version;
    private boolean heardSinceReadComplete;
    private boolean closing;
    private ScheduledFuture<?> handshakeTimer;

    /**
     * @param decoder   this connection's decoder, told to allow full-size frames once the handshake is accepted
     * @param untrusted this connection's place among the untrusted ones, given back at the same moment
     */
    public InboundHandler(InboundContext context, FrameDecoder decoder, ConnectionGate.Ticket untrusted) {
        this.context = context;
        this.decoder = decoder;
        this.untrusted = untrusted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        long timeout = context.handshakeTimeout().toNanos();
        handshakeTimer = ctx.executor().schedule(
                () -> fail(ctx, Failure.REJECT, "no handshake within " + context.handshakeTimeout().toMillis() + " ms"),
                timeout, TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            if (closing) return;
            context.counters().bytesReceived.add(body.readableBytes() + (long) WireProtocol.LENGTH_PREFIX_BYTES);
            if (remote == null) {
                acceptHandshake(ctx, FrameIo.parse(body));
            } else if (!context.knownPeer().test(remote)) {
                // Removed since its handshake: nothing more from it reaches the core, even before the close lands.
                closing = true;
                log.debug("closing connection from removed peer {}", remote);
                ctx.close();
            } else {
                context.counters().framesReceived.increment();
                heardSinceReadComplete = true;
                MessageFrames.decode(body, remote, context.self(), version, this);
            }
        } catch (WireException e) {
            fail(ctx, Failure.DECODE, e.getMessage());
        } catch (HandshakeRefused e) {
            fail(ctx, Failure.REJECT, e.getMessage());
        } finally {
            ReferenceCountUtil.release(body);
        }
    }

    private void acceptHandshake(ChannelHandlerContext ctx, Frame frame) throws WireException, HandshakeRefused {
        if (!frame.hasHandshake()) {
            // Another frame before the handshake is a protocol violation, not a refused identity.
            throw new WireException("first frame is not a handshake (" + frame.getBodyCase() + ")");
        }
        NodeId claimed;
        try {
            claimed = Handshakes.accept(frame, context.clusterId(), context.self(), context.knownPeer());
        } catch (WireException e) {
            throw new HandshakeRefused(e.getMessage());
        }
        // Peer identity (docs/security.md): with TLS, the certificate must name the node the handshake claims.
        String mismatch = PeerCertificates.mismatch(ctx.channel(), claimed);
        if (mismatch != null) throw new HandshakeRefused("handshake claims node " + claimed + " but " + mismatch);
        remote = claimed;
        version = frame.getHandshake().getProtocolVersion();
        heardSinceReadComplete = true;
        ctx.channel().attr(PEER).set(remote);
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        decoder.trust();
        untrusted.release();
        log.debug("accepted connection from {} at {}", remote, ctx.channel().remoteAddress());
    }

    @Override
    public void message(String group, Message message) {
        context.counters().received.increment();
        try {
            context.router().deliver(remote, group, message);
        } catch (RuntimeException e) {
            // The core's handler failed; that is not the peer's fault, so the connection stays.
            log.warn("inbound handler failed on {}", message, e);
        }
    }

    @Override
    public void ping() {
        // Nothing to deliver: hearing from the peer is all a ping is for (channelReadComplete reports it).
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        // Once per burst of reads, not per frame: the failure detector needs "recently", not "how often".
        if (heardSinceReadComplete && remote != null && !closing) {
            heardSinceReadComplete = false;
            try {
                context.router().heard(remote);
            } catch (RuntimeException e) {
                log.warn("liveness listener failed for {}", remote, e);
            }
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLException tls = Throwables.find(cause, SSLException.class);
        if (cause instanceof FrameDecoder.BudgetExhaustedException) {
            fail(ctx, Failure.REJECT, cause.getMessage());
        } else if (Throwables.find(cause, NotSslRecordException.class) != null) {
            // Checked first: its message would dump the peer's bytes in hex.
            fail(ctx, Failure.REJECT, "expected TLS, got plaintext");
        } else if (tls != null) {
            fail(ctx, Failure.REJECT, "TLS handshake failed: " + tls.getMessage());
        } else if (cause instanceof DecoderException) {
            fail(ctx, Failure.DECODE, "bad frame: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        } else if (cause instanceof IOException) {
            fail(ctx, Failure.IO, cause.getMessage());
        } else {
            fail(ctx, Failure.DECODE, "unexpected error: " + cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        // Not marked closing here: a frame cut off by the end of the stream is reported just after this.
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        untrusted.release();
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, Failure kind, String reason) {
        if (closing) return;
        closing = true;
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        try {
            if (!context.shuttingDown().getAsBoolean()) report(ctx, kind, reason);
        } finally {
            ctx.close();
        }
    }

    private void report(ChannelHandlerContext ctx, Failure kind, String reason) {
        String who = remote == null ? "before handshake" : "from node " + remote;
        SocketAddress address = ctx.channel().remoteAddress();
        String source = address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
        // The log line (or its count) comes before the counter, so whoever sees the counter move also finds it.
        // At most one line per remote address per interval: a flood of bad connections cannot flood the log.
        switch (kind) {
            case DECODE -> {
                context.refusals().warn(source, "closed connection from " + address + " (" + who + "): " + reason);
                context.counters().decodeErrors.increment();
            }
            case REJECT -> {
                context.refusals().warn(source, "refused connection from " + address + " (" + who + "): " + reason);
                context.counters().rejected.increment();
            }
            case IO -> log.debug("connection from {} ({}) failed: {}", ctx.channel().remoteAddress(), who, reason);
        }
    }

    /** A well-formed handshake this node does not accept. */
    private static final class HandshakeRefused extends Exception {
        HandshakeRefused(String reason) {
            super(reason, null, false, false);
        }
    }
}
