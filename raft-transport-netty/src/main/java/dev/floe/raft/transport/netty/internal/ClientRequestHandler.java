package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import dev.floe.raft.Bytes;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.transport.proto.ClientNotLeader;
import dev.floe.raft.transport.proto.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import dev.floe.raft.transport.netty.RateLimitedLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import javax.net.ssl.SSLException;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection on a member: checks the client handshake, hands each
 * submit and query to the {@link RaftServer}, and answers each with one response carrying its
 * request id, mapping the server's exceptions to protocol outcomes.
 *
 * <p>A refused handshake is answered with an error of request id 0 and the connection closed; any
 * other violation (undecodable frame, wrong frame type, no handshake in time) closes the connection
 * with exactly one log line. Nothing is thrown past this handler: other connections are unaffected.
 */
public final class ClientRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientRequestHandler.class);

    private final String clusterId;
    private final NodeId self;
    private final Function<GroupId, Optional<RaftServer>> groups;
    private final Set<String> authorizedClients;
    private final int maxFrameBytes;
    private final Duration handshakeTimeout;
    private final BooleanSupplier shuttingDown;
    private final FrameDecoder decoder;
    private final ConnectionGate.Ticket untrusted;
    private final RateLimitedLog refusals;
    private String clientId;
    /** The server of the group the handshake named: every request of the connection goes to it. */
    private RaftServer server;
    private GroupId group;
    /** The handshake's client id in UTF-8, as submits carry it. */
    private byte[] clientIdUtf8;
    private ResponseWriter writer;
    private boolean closing;
    private ScheduledFuture<?> handshakeTimer;

    /**
     * @param self      the member (or host) serving the port, for log lines
     * @param groups    the server of each group this member serves clients for
     * @param authorizedClients with TLS, the names a client's certificate must show one of (empty: any)
     * @param decoder   this connection's decoder, told to allow full-size frames once the handshake is accepted
     * @param untrusted this connection's place among the untrusted ones, given back at the same moment
     * @param refusals  the port's rate-limited log of refused connections
     */
    public ClientRequestHandler(String clusterId, NodeId self, Function<GroupId, Optional<RaftServer>> groups,
                                Set<String> authorizedClients, int maxFrameBytes, Duration handshakeTimeout,
                                BooleanSupplier shuttingDown, FrameDecoder decoder, ConnectionGate.Ticket untrusted,
                                RateLimitedLog refusals) {
        this.decoder = decoder;
        this.untrusted = untrusted;
        this.refusals = refusals;
        this.clusterId = clusterId;
        this.self = self;
        this.groups = groups;
        this.authorizedClients = authorizedClients;
        this.maxFrameBytes = maxFrameBytes;
        this.handshakeTimeout = handshakeTimeout;
        this.shuttingDown = shuttingDown;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        writer = new ResponseWriter(ctx.channel(), maxFrameBytes);
        handshakeTimer = ctx.executor().schedule(
                () -> fail(ctx, "no client handshake within " + handshakeTimeout.toMillis() + " ms"),
                handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf body = (ByteBuf) msg;
        try {
            if (closing) return;
            byte[] array = FrameIo.copy(body);
            if (clientId == null) {
                handshake(ctx, FrameIo.parse(array));
                return;
            }
            // The usual request, a valid submit, without protobuf objects; anything else is parsed and checked in full.
            ClientCodec.Submit submit = ClientCodec.readSubmit(array, clientIdUtf8);
            if (submit != null) {
                serveSubmit(submit);
                return;
            }
            Frame frame = FrameIo.parse(array);
            ClientFrames.checkRequest(frame, clientId);
            serve(frame);
        } catch (WireException e) {
            fail(ctx, e.getMessage());
        } finally {
            ReferenceCountUtil.release(body);
        }
    }

    private void handshake(ChannelHandlerContext ctx, Frame frame) throws WireException {
        if (!frame.hasClientHandshake()) throw new WireException("first frame is not a client handshake (" + frame.getBodyCase() + ")");
        try {
            // Client identity (docs/security.md): the TLS handshake proved the certificate; this checks its name.
            String unauthorized = PeerCertificates.unauthorizedClient(ctx.channel(), authorizedClients);
            if (unauthorized != null) throw new WireException(unauthorized);
            String accepted = ClientFrames.acceptHandshake(frame, clusterId);
            // The group of every request on this connection (multi-Raft): none named is the default group.
            group = ClientFrames.group(frame);
            GroupId named = group;
            server = groups.apply(named).orElseThrow(() -> new WireException("no group " + named + " on " + self));
            clientId = accepted;
        } catch (WireException refused) {
            // Told to the client too, so a misconfigured client fails with the reason instead of retrying.
            closing = true;
            handshakeTimer.cancel(false);
            if (!shuttingDown.getAsBoolean()) {
                refusals.warn(source(ctx), self + ": refused client connection from " + ctx.channel().remoteAddress()
                        + ": " + refused.getMessage());
            }
            ctx.writeAndFlush(FrameIo.encode(ctx.alloc(), ClientFrames.error(0, "refused: " + refused.getMessage()), maxFrameBytes))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        clientIdUtf8 = clientId.getBytes(StandardCharsets.UTF_8);
        handshakeTimer.cancel(false);
        decoder.trust();
        untrusted.release();
        log.debug("{}: client {} of group {} connected from {}", self, clientId, group, ctx.channel().remoteAddress());
    }

    private void serve(Frame frame) throws WireException {
        long requestId;
        CompletableFuture<Bytes> future;
        if (frame.hasClientSubmit()) {
            var submit = frame.getClientSubmit();
            requestId = submit.getRequestId();
            future = submit(submit.getClientId(), submit.getSequence(), submit.getLowestOutstandingSequence(),
                    ByteStrings.toBytes(submit.getCommand()));
        } else {
            var query = frame.getClientQuery();
            requestId = query.getRequestId();
            future = server.read(ByteStrings.toBytes(query.getQuery()), ClientFrames.consistency(query));
        }
        answer(requestId, future);
    }

    private void serveSubmit(ClientCodec.Submit submit) {
        answer(submit.requestId(), submit(clientId, submit.sequence(), submit.lowestOutstanding(), submit.command()));
    }

    /** The response goes out on this connection's event loop, encoded there, whichever thread completes the future. */
    private void answer(long requestId, CompletableFuture<Bytes> future) {
        ResponseWriter out = writer;
        future.whenComplete((result, error) -> out.offer(error == null
                ? (alloc, max) -> ClientCodec.ok(alloc, requestId, result, max)
                : (alloc, max) -> FrameIo.encode(alloc, outcome(requestId, error), max)));
    }

    /**
     * A command with a session (client id and sequence) goes through the server's exactly-once
     * sessions (thesis §6.3), so a retry after a timeout or a leader change is applied at most once
     * and answered with the first result; without one it is a plain submit.
     */
    private CompletableFuture<Bytes> submit(String clientId, long sequence, long lowestOutstanding, Bytes command) {
        if (clientId.isEmpty() || sequence == 0) return server.submit(command);
        long lowest = lowestOutstanding == 0 ? sequence : Math.min(lowestOutstanding, sequence);
        try {
            return server.submit(clientId, sequence, lowest, command);
        } catch (IllegalArgumentException | NullPointerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The response for a failed request: see the table in docs/client-protocol.md. */
    private Frame outcome(long requestId, Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof NotLeaderException notLeader) {
            ClientNotLeader.Builder b = ClientNotLeader.newBuilder().setMemberId(server.id().value()).setMessage(message);
            notLeader.leader().ifPresent(l -> b.setLeaderId(l.value()));
            notLeader.leaderEndpoint().ifPresent(ep -> b.setLeaderHost(ep.host()).setLeaderPort(ep.port()));
            return ClientFrames.notLeader(requestId, b.build());
        }
        if (e instanceof ServerClosedException) {
            // Not taken; this member cannot say who leads: the client tries another member.
            return ClientFrames.notLeader(requestId, ClientNotLeader.newBuilder()
                    .setMemberId(server.id().value()).setMessage(message).build());
        }
        if (e instanceof BackpressureException) return ClientFrames.backpressure(requestId, message);
        if (e instanceof OutcomeUnknownException || e instanceof TimeoutException) {
            return ClientFrames.outcomeUnknown(requestId, message);
        }
        return ClientFrames.error(requestId, message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        SSLException tls = Throwables.find(cause, SSLException.class);
        if (Throwables.find(cause, NotSslRecordException.class) != null) {
            // Checked first: its message would dump the client's bytes in hex.
            fail(ctx, "expected TLS, got plaintext");
        } else if (tls != null) {
            fail(ctx, "TLS handshake failed: " + tls.getMessage());
        } else if (cause instanceof DecoderException) {
            fail(ctx, "bad frame: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        } else if (cause instanceof IOException) {
            closing = true;
            log.debug("{}: client connection from {} failed: {}", self, ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
        } else {
            fail(ctx, "unexpected error: " + cause);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        untrusted.release();
        super.channelInactive(ctx);
    }

    private void fail(ChannelHandlerContext ctx, String reason) {
        if (closing) return;
        closing = true;
        if (handshakeTimer != null) handshakeTimer.cancel(false);
        if (!shuttingDown.getAsBoolean()) {
            refusals.warn(source(ctx), self + ": closed client connection from " + ctx.channel().remoteAddress() + " ("
                    + (clientId == null ? "before handshake" : "client " + clientId) + "): " + reason);
        }
        ctx.close();
    }

    private static String source(ChannelHandlerContext ctx) {
        SocketAddress address = ctx.channel().remoteAddress();
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
