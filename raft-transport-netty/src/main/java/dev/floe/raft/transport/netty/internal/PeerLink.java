package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one peer: a bounded queue fed by the consensus thread and one connection,
 * dialled lazily and re-dialled with backoff, drained by the link's event loop.
 *
 * <p>Threading: {@link #offer} runs on any thread and never blocks. Everything else runs on
 * {@link #loop}, which owns the connection state, so that state needs no locks.
 *
 * <p>Loss: a message is dropped and counted when the queue is full, while the peer is in backoff
 * (it is unreachable; queueing for it would only deliver stale messages later), when it cannot be
 * encoded within the frame limit, and when the connection is lost or the link closed with it queued.
 *
 * <p>Groups (protocol version 2): each queued message names its group, written into its frame. The
 * heartbeat requests and responses queued one after another — typically one per group that shares
 * this peer, sent at the same tick — travel as one {@code heartbeat_batch} frame (a run ends at any
 * other message, so the connection stays first in, first out), so a thousand groups between two processes cost one
 * frame per heartbeat interval, not a thousand. On a version 1 connection only the default group's
 * messages travel (others are dropped, counted, and logged once) and nothing is batched.
 */
public final class PeerLink {
    private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
    /** Messages written per drain pass before yielding the event loop to its other channels. */
    private static final int MAX_WRITES_PER_PASS = 512;
    /** A connection that lived this long counts as healthy: the next failure restarts the backoff. */
    private static final long HEALTHY_CONNECTION_NANOS = TimeUnit.SECONDS.toNanos(1);

    private enum State { IDLE, CONNECTING, CONNECTED, BACKOFF }

    private final NodeId peer;
    private final Endpoint endpoint;
    private final LinkContext context;
    private final EventLoop loop;
    // Netty's multi-producer single-consumer queue (the loop is the only consumer): no node per message.
    private final Queue<Outgoing> queue = PlatformDependent.newMpscQueue();
    private final AtomicInteger queuedMessages = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** A drain is scheduled after the heartbeat coalescing delay. */
    private final AtomicBoolean delayedDrainScheduled = new AtomicBoolean();
    private final SplittableRandom random = new SplittableRandom();
    private volatile boolean unreachable;
    private volatile boolean closed;

    // Confined to the event loop.
    private State state = State.IDLE;
    private Channel channel;
    private long connectedAtNanos;
    private int failures;
    private boolean dialledBefore;
    private boolean failureLogged;
    private boolean oversizeLogged;
    private ScheduledFuture<?> retry;
    private boolean versionLogged;
    private final ArrayList<String> batchGroups = new ArrayList<>();
    private final ArrayList<Message> batch = new ArrayList<>();

    /** A queued message and its group's wire name; {@link #PING} is a host ping. */
    private record Outgoing(String group, Message message) {
    }

    private static final Outgoing PING = new Outgoing(WireProtocol.DEFAULT_GROUP, null);

    public PeerLink(NodeId peer, Endpoint endpoint, LinkContext context, EventLoop loop) {
        this.peer = peer;
        this.endpoint = endpoint;
        this.context = context;
        this.loop = loop;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** Queues {@code message} of the default group, or drops and counts it; never blocks. */
    public void offer(Message message) {
        offer(WireProtocol.DEFAULT_GROUP, message);
    }

    /** Queues a host ping (version 2), unless the peer is unreachable or the queue full; never blocks. */
    public void ping() {
        if (closed || unreachable || context.dialVersion() < WireProtocol.MULTI_GROUP_VERSION) return;
        if (queuedMessages.incrementAndGet() > context.maxQueuedMessages()) {
            queuedMessages.decrementAndGet();
            return;
        }
        queue.add(PING);
        scheduleDrain();
    }

    /** Queues {@code message} of group {@code group} (wire name), or drops and counts it; never blocks. */
    public void offer(String group, Message message) {
        if (closed || unreachable) {
            drop();
            return;
        }
        long size = message.sizeBytes();
        if (queuedMessages.incrementAndGet() > context.maxQueuedMessages()) {
            queuedMessages.decrementAndGet();
            drop();
            return;
        }
        if (queuedBytes.addAndGet(size) > context.maxQueuedBytes()) {
            queuedBytes.addAndGet(-size);
            queuedMessages.decrementAndGet();
            drop();
            return;
        }
        queue.add(new Outgoing(group, message));
        if (context.heartbeatCoalescingNanos() > 0 && (message instanceof HeartbeatRequest || message instanceof HeartbeatResponse)) {
            scheduleDelayedDrain();
        } else {
            scheduleDrain();
        }
    }

    /** Closes the connection and drops what is queued; the returned future completes once the connection is closed. */
    public Future<Void> close() {
        closed = true;
        Promise<Void> done = loop.newPromise();
        try {
            loop.execute(() -> {
                if (retry != null) retry.cancel(false);
                discardQueued();
                if (channel != null) {
                    channel.close().addListener(f -> done.setSuccess(null));
                } else {
                    done.setSuccess(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.setSuccess(null);
        }
        return done;
    }

    /** Called on the loop when the connection can take more writes. */
    void drainOnLoop() {
        if (drainScheduled.compareAndSet(false, true)) drain();
    }

    /** Called on the loop when the connection reported an error; it is being closed. */
    void connectionFailed(Channel ch, Throwable cause) {
        if (ch != channel || closed) return;
        logFailure("connection to " + peer + " at " + endpoint + " failed", cause);
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException e) {
                // The transport is shutting down; whatever is queued is dropped with it.
                drainScheduled.set(false);
                discardQueued();
            }
        }
    }

    /** A heartbeat waits (bounded) for other groups' heartbeats, unless a drain is due anyway. */
    private void scheduleDelayedDrain() {
        if (drainScheduled.get() || !delayedDrainScheduled.compareAndSet(false, true)) return;
        try {
            loop.schedule(() -> {
                delayedDrainScheduled.set(false);
                drainOnLoop();
            }, context.heartbeatCoalescingNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            delayedDrainScheduled.set(false);
            discardQueued();
        }
    }

    private void drain() {
        // Cleared before polling: a message queued after this point schedules another pass.
        drainScheduled.set(false);
        if (closed) {
            discardQueued();
            return;
        }
        switch (state) {
            case IDLE -> {
                if (!queue.isEmpty()) connect();
            }
            case CONNECTING -> {
                // The queue is written once the connection is up.
            }
            case BACKOFF -> discardQueued();
            case CONNECTED -> writeQueued();
        }
    }

    private void writeQueued() {
        Channel ch = channel;
        boolean multiGroup = context.dialVersion() >= WireProtocol.MULTI_GROUP_VERSION;
        int written = 0;
        int frames = 0;
        while (ch.isWritable() && written < MAX_WRITES_PER_PASS) {
            Outgoing next = poll();
            if (next == null) break;
            written++;
            if (next == PING) {
                frames += write(ch, null, () -> MessageFrames.encodePing(ch.alloc()), 0);
                continue;
            }
            Message message = next.message();
            if (!multiGroup && !next.group().isEmpty()) {
                drop();
                if (!versionLogged) {
                    versionLogged = true;
                    log.warn("dropping messages of group {} to {}: this node dials protocol version {}, which carries only"
                            + " the default group (docs/transport.md, upgrading)", next.group(), peer, context.dialVersion());
                }
                continue;
            }
            if (multiGroup && (message instanceof HeartbeatRequest || message instanceof HeartbeatResponse)) {
                batchGroups.add(next.group());
                batch.add(message);
                // A heartbeat frame is under 128 bytes (group id of at most 64 included): the batch fits a frame.
                if (batch.size() >= Math.max(1, context.maxFrameBytes() / 128)) frames += writeHeartbeats(ch);
                continue;
            }
            // A run of heartbeats is batched; any other message ends the run, so the connection stays FIFO.
            frames += writeHeartbeats(ch);
            frames += write(ch, message, () -> MessageFrames.encode(ch.alloc(), next.group(), message, context.maxFrameBytes()), 1);
        }
        frames += writeHeartbeats(ch);
        // One flush per pass: every frame written above goes out in as few syscalls as possible.
        if (frames > 0) ch.flush();
        if (written == MAX_WRITES_PER_PASS && !queue.isEmpty()) scheduleDrain();
    }

    private interface Encoding {
        ByteBuf encode() throws WireException;
    }

    /** Writes one frame carrying {@code messages} messages; returns the frames written (0 when dropped). */
    private int write(Channel ch, Object what, Encoding encoding, int messages) {
        ByteBuf frame;
        try {
            frame = encoding.encode();
        } catch (WireException | RuntimeException e) {
            for (int i = 0; i < Math.max(1, messages); i++) drop();
            if (!oversizeLogged) {
                oversizeLogged = true;
                log.warn("dropping a message to {} that cannot be sent ({}): {}", peer, e.getMessage(), what);
            }
            return 0;
        }
        context.counters().sent.add(messages);
        context.counters().framesSent.increment();
        context.counters().bytesSent.add(frame.readableBytes());
        ch.write(frame, ch.voidPromise());
        return 1;
    }

    /** The pass's heartbeats: one plain frame if there is one, else one batch frame. */
    private int writeHeartbeats(Channel ch) {
        if (batch.isEmpty()) return 0;
        int frames;
        if (batch.size() == 1) {
            Message only = batch.get(0);
            String group = batchGroups.get(0);
            frames = write(ch, only, () -> MessageFrames.encode(ch.alloc(), group, only, context.maxFrameBytes()), 1);
        } else {
            frames = write(ch, batch.size() + " heartbeats",
                    () -> MessageFrames.encodeHeartbeats(ch.alloc(), batchGroups, batch, context.maxFrameBytes()), batch.size());
        }
        batch.clear();
        batchGroups.clear();
        return frames;
    }

    private void connect() {
        state = State.CONNECTING;
        if (dialledBefore) context.counters().reconnects.increment();
        dialledBefore = true;
        ChannelFuture dial = context.bootstrap().clone(loop)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        context.clientSsl().ifPresent(ssl ->
                                ch.pipeline().addLast(ssl.newHandler(ch.alloc(), endpoint.host(), endpoint.port())));
                        ch.pipeline().addLast(new OutboundHandler(PeerLink.this));
                    }
                })
                .connect(endpoint.host(), endpoint.port());
        dial.addListener((ChannelFuture f) -> connected(f));
    }

    private void connected(ChannelFuture dial) {
        if (!dial.isSuccess()) {
            if (!closed) logFailure("cannot reach " + peer + " at " + endpoint, dial.cause());
            backOff();
            return;
        }
        Channel ch = dial.channel();
        if (closed) {
            ch.close();
            return;
        }
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            established(ch);
        } else {
            // Nothing is written until the accepting node has proven which node it is.
            ssl.handshakeFuture().addListener(handshake -> secured(ch, handshake));
        }
    }

    /** TLS is up (or failed) on a dialled connection: the peer's certificate must name {@link #peer}. */
    private void secured(Channel ch, Future<?> handshake) {
        if (closed) {
            ch.close();
            return;
        }
        String refusal = !handshake.isSuccess() ? "TLS handshake failed: " + reason(handshake.cause())
                : PeerCertificates.mismatch(ch, peer);
        if (refusal != null) {
            ch.close();
            logFailure("refused " + peer + " at " + endpoint, refusal);
            backOff();
            return;
        }
        established(ch);
    }

    private void established(Channel ch) {
        channel = ch;
        state = State.CONNECTED;
        connectedAtNanos = System.nanoTime();
        ch.closeFuture().addListener(f -> disconnected(ch));
        if (failureLogged) log.info("connected to {} at {}", peer, endpoint);
        else log.debug("connected to {} at {}", peer, endpoint);
        failureLogged = false;
        try {
            ch.write(FrameIo.encode(ch.alloc(), Handshakes.frame(context.dialVersion(), context.clusterId(), context.self(), peer),
                    context.maxFrameBytes()), ch.voidPromise());
        } catch (WireException e) {
            throw new IllegalStateException("handshake does not fit a frame", e);
        }
        writeQueued();
        ch.flush();
    }

    private void disconnected(Channel ch) {
        if (ch != channel) return;
        channel = null;
        if (closed) return;
        if (System.nanoTime() - connectedAtNanos >= HEALTHY_CONNECTION_NANOS) failures = 0;
        if (!context.shuttingDown().getAsBoolean()) log.debug("connection to {} at {} closed", peer, endpoint);
        backOff();
    }

    private void backOff() {
        if (closed) return;
        state = State.BACKOFF;
        unreachable = true;
        discardQueued();
        failures++;
        long delay = context.backoff().delayNanos(failures, random);
        retry = loop.schedule(this::retry, delay, TimeUnit.NANOSECONDS);
    }

    private void retry() {
        retry = null;
        if (closed) return;
        state = State.IDLE;
        unreachable = false;
        // Dial again only when there is something to send: idle peers cost nothing.
        if (!queue.isEmpty()) connect();
    }

    private void logFailure(String what, Throwable cause) {
        logFailure(what, reason(cause));
    }

    private static String reason(Throwable cause) {
        return cause == null ? "unknown" : cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    private void logFailure(String what, String reason) {
        if (context.shuttingDown().getAsBoolean()) return;
        // The first failure of a streak is a warning; repeats while the peer stays down are debug noise.
        if (!failureLogged) {
            failureLogged = true;
            log.warn("{}: {} (retrying with backoff)", what, reason);
        } else {
            log.debug("{}: {}", what, reason);
        }
    }

    private Outgoing poll() {
        Outgoing next = queue.poll();
        if (next != null) {
            queuedMessages.decrementAndGet();
            if (next != PING) queuedBytes.addAndGet(-next.message().sizeBytes());
        }
        return next;
    }

    private void discardQueued() {
        for (Outgoing next; (next = poll()) != null; ) {
            if (next != PING) drop();
        }
    }

    private void drop() {
        context.counters().dropped.increment();
    }
}
