package dev.floe.raft.transport.netty;

import dev.floe.raft.BackpressureException;
import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.OutcomeUnknownException;
import dev.floe.raft.transport.netty.internal.ByteStrings;
import dev.floe.raft.transport.netty.internal.ClientCodec;
import dev.floe.raft.transport.netty.internal.ClientFrames;
import dev.floe.raft.transport.netty.internal.FrameDecoder;
import dev.floe.raft.transport.netty.internal.FrameIo;
import dev.floe.raft.transport.netty.internal.WireException;
import dev.floe.raft.transport.proto.ClientNotLeader;
import dev.floe.raft.transport.proto.ClientResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing and retry logic of a {@link RaftClient}, confined to the client's one event loop
 * (only {@link #enqueue} is called from other threads).
 *
 * <p>Every request goes to the current <em>target</em> member, the leader as far as the client
 * knows. A NotLeader answer naming the leader moves the target there; one that names no leader,
 * a broken connection or a timeout moves it to the next member. Each retry is a new attempt (a new
 * request id) of the same request (same client id and sequence number); after
 * {@code 1 + retryBudget} attempts the request fails: with {@link OutcomeUnknownException} if some
 * attempt may have reached a leader's log, otherwise with the last refusal.
 */
final class ClientDispatcher {
    private static final Logger log = LoggerFactory.getLogger(ClientDispatcher.class);
    /**
     * The wait before retrying where the cluster needs time (no leader known, overloaded): 25 ms
     * doubling up to 1 s, half of it random so that the clients of a cluster that lost its leader
     * do not all come back at once.
     */
    private static final Backoff RETRY_BACKOFF = Backoff.builder().delays(Duration.ofMillis(25), Duration.ofSeconds(1)).jitter(0.5).build();

    private final RaftClient.Settings settings;
    /** The client id in UTF-8, as every submit carries it. */
    private final byte[] clientIdUtf8;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Optional<SslContext> ssl;
    private final AtomicInteger outstanding;
    private final Queue<ClientCall> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Map<Endpoint, ClientConnection> connections = new HashMap<>();
    private final List<ClientConnection> dirty = new ArrayList<>();
    /** Calls waiting for a delayed retry: {@link #close} fails them, as the loop drops its timers. */
    private final java.util.Set<ClientCall> delayed = new java.util.HashSet<>();
    private Endpoint target;
    private long nextRequestId = 1;
    private long nextSequence = 1;
    /** Sequence numbers of the commands not completed yet: the lowest is sent with every submit. */
    private final java.util.TreeSet<Long> openSequences = new java.util.TreeSet<>();
    private boolean closed;

    ClientDispatcher(RaftClient.Settings settings, EventLoop loop, Bootstrap bootstrap, Optional<SslContext> ssl, AtomicInteger outstanding) {
        this.settings = settings;
        this.clientIdUtf8 = settings.clientId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.ssl = ssl;
        this.outstanding = outstanding;
        this.target = settings.members().get(0);
        long tick = Math.max(5, Math.min(50, settings.requestTimeout().toMillis() / 4));
        loop.scheduleAtFixedRate(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Any thread: hands {@code call} to the event loop. */
    void enqueue(ClientCall call) {
        inbox.add(call);
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drainInbox);
            } catch (RuntimeException e) {
                drainScheduled.set(false);
                failInbox();
            }
        }
    }

    private void drainInbox() {
        drainScheduled.set(false);
        ClientCall call;
        while ((call = inbox.poll()) != null) dispatch(call);
        flushDirty();
    }

    private void failInbox() {
        ClientCall call;
        while ((call = inbox.poll()) != null) finish(call, null, new RaftClientException("client is closed"));
    }

    private void dispatch(ClientCall call) {
        if (closed) {
            finish(call, null, closedError(call));
            return;
        }
        if (call.kind == ClientCall.Kind.SUBMIT && call.sequence == 0) {
            call.sequence = nextSequence++;
            openSequences.add(call.sequence);
        }
        call.attempts++;
        ClientConnection conn = connectionTo(target);
        if (conn.ready) {
            write(conn, call);
        } else {
            conn.waiting.add(call);
        }
    }

    private void write(ClientConnection conn, ClientCall call) {
        call.requestId = nextRequestId++;
        call.deadlineNanos = System.nanoTime() + settings.requestTimeout().toNanos();
        ByteBuf buf;
        try {
            buf = call.kind == ClientCall.Kind.SUBMIT
                    ? ClientCodec.submit(conn.channel.alloc(), call.requestId, clientIdUtf8, call.sequence, openSequences.first(),
                            call.payload, settings.maxFrameBytes())
                    : FrameIo.encode(conn.channel.alloc(), ClientFrames.query(call.requestId, call.payload, call.consistency), settings.maxFrameBytes());
        } catch (WireException e) {
            finish(call, null, new RaftClientException("request not sent: " + e.getMessage()));
            return;
        }
        conn.sent.put(call.requestId, call);
        conn.channel.write(buf, conn.channel.voidPromise());
        markDirty(conn);
    }

    private void markDirty(ClientConnection conn) {
        if (!conn.dirty) {
            conn.dirty = true;
            dirty.add(conn);
        }
    }

    /** Flushes every connection written since the last flush: one socket write per batch. */
    void flushDirty() {
        for (ClientConnection conn : dirty) {
            conn.dirty = false;
            if (conn.channel != null) conn.channel.flush();
        }
        dirty.clear();
    }

    private ClientConnection connectionTo(Endpoint endpoint) {
        ClientConnection existing = connections.get(endpoint);
        if (existing != null) return existing;
        ClientConnection conn = new ClientConnection(endpoint, this);
        connections.put(endpoint, conn);
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ssl.ifPresent(context -> ch.pipeline().addLast(context.newHandler(ch.alloc(), endpoint.host(), endpoint.port())));
                ch.pipeline().addLast(FrameDecoder.dialled(settings.maxFrameBytes()), conn);
            }
        }).connect(endpoint.host(), endpoint.port());
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                onClosed(conn, "cannot connect: " + f.cause().getMessage());
                return;
            }
            Channel channel = connecting.channel();
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                onConnected(conn, channel);
                return;
            }
            // Requests wait for TLS: one refused by the handshake was never delivered, so it is not
            // "maybe applied" and may be retried elsewhere as a plain refusal.
            conn.channel = channel;
            tls.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    onConnected(conn, channel);
                } else {
                    onClosed(conn, "TLS handshake failed: " + h.cause().getMessage());
                }
            });
        });
        return conn;
    }

    private void onConnected(ClientConnection conn, Channel channel) {
        conn.channel = channel;
        if (conn.closed || closed) {
            channel.close();
            return;
        }
        try {
            channel.write(FrameIo.encode(channel.alloc(), ClientFrames.handshake(settings.clusterId(), settings.clientId(), settings.group()),
                    settings.maxFrameBytes()), channel.voidPromise());
        } catch (WireException e) {
            onBroken(conn, "cannot encode the handshake: " + e.getMessage());
            return;
        }
        conn.ready = true;
        markDirty(conn);
        ClientCall call;
        while ((call = conn.waiting.poll()) != null) write(conn, call);
        flushDirty();
        log.debug("client {} connected to {}", settings.clientId(), conn.endpoint);
    }

    /** An OK answer, read without protobuf objects: the same as {@link #onResponse} with an OK outcome. */
    void onOk(ClientConnection conn, long requestId, Bytes result) {
        ClientCall call = conn.sent.remove(requestId);
        if (call == null) return; // an attempt that already timed out
        finish(call, result, null);
        closeIfIdle(conn);
    }

    void onResponse(ClientConnection conn, ClientResponse response) throws WireException {
        if (response.getRequestId() == 0) {
            String reason = response.hasError() ? response.getError().getMessage() : "response with request id 0";
            failConnection(conn, new RaftClientException(conn.endpoint + " refused the connection: " + reason));
            return;
        }
        ClientCall call = conn.sent.remove(response.getRequestId());
        if (call == null) return; // an attempt that already timed out
        switch (response.getOutcomeCase()) {
            case OK -> finish(call, ByteStrings.toBytes(response.getOk().getResult()), null);
            case NOT_LEADER -> onNotLeader(conn, call, response.getNotLeader());
            case BACKPRESSURE -> {
                call.lastRefusal = new BackpressureException(conn.endpoint + ": " + response.getBackpressure().getMessage());
                retry(call, backoffNanos(call));
            }
            case OUTCOME_UNKNOWN -> {
                call.maybeApplied = true;
                call.lastUnknown = conn.endpoint + ": " + response.getOutcomeUnknown().getMessage();
                retry(call, 0);
            }
            case ERROR -> finish(call, null, new RaftClientException(conn.endpoint + ": " + response.getError().getMessage()));
            case OUTCOME_NOT_SET -> {
                conn.sent.put(call.requestId, call); // retried with the others when the connection closes
                throw new WireException("response " + response.getRequestId() + " carries no outcome");
            }
        }
        closeIfIdle(conn);
    }

    private void onNotLeader(ClientConnection conn, ClientCall call, ClientNotLeader m) throws WireException {
        Optional<NodeId> leader = m.getLeaderId().isEmpty() ? Optional.empty() : Optional.of(nodeId(m.getLeaderId()));
        Optional<Endpoint> leaderEndpoint = leader.isPresent() && !m.getLeaderHost().isEmpty() && m.getLeaderPort() > 0
                && m.getLeaderPort() <= 65535 ? Optional.of(new Endpoint(m.getLeaderHost(), m.getLeaderPort())) : Optional.empty();
        call.lastRefusal = new NotLeaderException(nodeId(m.getMemberId()), leader, leaderEndpoint, m.getMessage());
        if (leaderEndpoint.isPresent() && !leaderEndpoint.get().equals(conn.endpoint)) {
            target = leaderEndpoint.get();
            retry(call, 0);
        } else {
            if (conn.endpoint.equals(target)) moveOn();
            retry(call, backoffNanos(call));
        }
    }

    private static NodeId nodeId(String value) throws WireException {
        try {
            return NodeId.of(value);
        } catch (IllegalArgumentException e) {
            throw new WireException("invalid node id in a NotLeader response: " + e.getMessage());
        }
    }

    /** The connection broke the protocol or failed: close it; its requests are retried elsewhere. */
    void onBroken(ClientConnection conn, String reason) {
        if (conn.closed) return;
        log.warn("client {}: closing the connection to {}: {}", settings.clientId(), conn.endpoint, reason);
        onClosed(conn, reason);
    }

    /**
     * The member refused this client's TLS handshake (with TLS 1.3 the client learns it only after
     * it has written its first requests): a member reads no request before its handshake
     * completes, so none was delivered and each is retried as refused, not as maybe applied.
     */
    void onTlsRefused(ClientConnection conn, String reason) {
        if (conn.closed) return;
        log.warn("client {}: {} refused the connection: {}", settings.clientId(), conn.endpoint, reason);
        List<ClientCall> undelivered = new ArrayList<>(conn.sent.values());
        conn.sent.clear();
        for (int i = undelivered.size() - 1; i >= 0; i--) conn.waiting.addFirst(undelivered.get(i));
        onClosed(conn, reason);
    }

    void onClosed(ClientConnection conn, String reason) {
        if (conn.closed) return;
        conn.closed = true;
        if (conn.channel != null) conn.channel.close();
        connections.remove(conn.endpoint, conn);
        if (conn.endpoint.equals(target)) moveOn();
        List<ClientCall> sent = new ArrayList<>(conn.sent.values());
        conn.sent.clear();
        for (ClientCall call : sent) {
            // Written to a connection that broke: the member may have taken it.
            call.maybeApplied = true;
            call.lastUnknown = conn.endpoint + ": " + reason + " before the answer";
            retry(call, backoffNanos(call));
        }
        ClientCall call;
        while ((call = conn.waiting.poll()) != null) {
            call.lastRefusal = new RaftClientException("cannot reach " + conn.endpoint + ": " + reason);
            retry(call, backoffNanos(call));
        }
        flushDirty();
    }

    private void failConnection(ClientConnection conn, RuntimeException error) {
        conn.closed = true;
        connections.remove(conn.endpoint, conn);
        if (conn.channel != null) conn.channel.close();
        List<ClientCall> calls = new ArrayList<>(conn.sent.values());
        calls.addAll(conn.waiting);
        conn.sent.clear();
        conn.waiting.clear();
        for (ClientCall call : calls) finish(call, null, error);
    }

    /** Timer: attempts past their deadline are retried, and the target moves to the next member. */
    private void expire() {
        long now = System.nanoTime();
        List<ClientCall> expired = new ArrayList<>();
        boolean targetSlow = false;
        for (ClientConnection conn : new ArrayList<>(connections.values())) {
            var it = conn.sent.values().iterator();
            while (it.hasNext()) {
                ClientCall call = it.next();
                if (call.deadlineNanos - now > 0) break; // later ones were sent later
                it.remove();
                expired.add(call);
                if (conn.endpoint.equals(target)) targetSlow = true;
            }
        }
        if (targetSlow) moveOn();
        for (ClientCall call : expired) {
            call.maybeApplied = true;
            call.lastUnknown = "no answer within " + settings.requestTimeout().toMillis() + " ms";
            retry(call, 0);
        }
        for (ClientConnection conn : new ArrayList<>(connections.values())) closeIfIdle(conn);
        flushDirty();
    }

    private void retry(ClientCall call, long delayNanos) {
        if (closed) {
            finish(call, null, closedError(call));
        } else if (call.attempts > settings.retryBudget()) {
            finish(call, null, giveUp(call));
        } else if (delayNanos == 0) {
            dispatch(call);
        } else {
            delayed.add(call);
            loop.schedule(() -> {
                if (!delayed.remove(call)) return; // failed by close()
                dispatch(call);
                flushDirty();
            }, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private Throwable giveUp(ClientCall call) {
        String tries = " after " + call.attempts + " attempts";
        if (call.maybeApplied) {
            if (call.kind == ClientCall.Kind.QUERY) return new TimeoutException("query not answered" + tries + "; last: " + call.lastUnknown);
            return new OutcomeUnknownException("command (client " + settings.clientId() + ", sequence " + call.sequence
                    + ") may or may not be applied" + tries + "; last: " + call.lastUnknown);
        }
        return call.lastRefusal != null ? call.lastRefusal : new RaftClientException("request not taken" + tries);
    }

    private static long backoffNanos(ClientCall call) {
        return RETRY_BACKOFF.delayNanos(Math.max(1, call.attempts), ThreadLocalRandom.current());
    }

    /** Targets the member after the current target in the configured list. */
    private void moveOn() {
        List<Endpoint> members = settings.members();
        int at = members.indexOf(target);
        target = members.get((at + 1) % members.size());
    }

    private void closeIfIdle(ClientConnection conn) {
        if (!conn.closed && conn.idle() && !conn.endpoint.equals(target)) {
            conn.closed = true;
            connections.remove(conn.endpoint, conn);
            if (conn.channel != null) conn.channel.close();
        }
    }

    private void finish(ClientCall call, Bytes result, Throwable error) {
        // Released before completing, so a caller that submits again from the callback finds room.
        outstanding.decrementAndGet();
        if (call.sequence != 0) openSequences.remove(call.sequence);
        if (error == null) {
            call.future.complete(result);
        } else {
            call.future.completeExceptionally(error);
        }
    }

    private RuntimeException closedError(ClientCall call) {
        if (call.maybeApplied && call.kind == ClientCall.Kind.SUBMIT) {
            return new OutcomeUnknownException("client closed before the outcome of sequence " + call.sequence + " was known");
        }
        return new RaftClientException("client is closed");
    }

    /** On the loop: fails every request and closes every connection. */
    void close() {
        closed = true;
        for (ClientConnection conn : new ArrayList<>(connections.values())) {
            conn.closed = true;
            if (conn.channel != null) conn.channel.close();
            for (ClientCall call : conn.sent.values()) {
                call.maybeApplied = true;
                finish(call, null, closedError(call));
            }
            for (ClientCall call : conn.waiting) finish(call, null, closedError(call));
            conn.sent.clear();
            conn.waiting.clear();
        }
        connections.clear();
        dirty.clear();
        for (ClientCall call : delayed) finish(call, null, closedError(call));
        delayed.clear();
        failInbox();
    }
}
