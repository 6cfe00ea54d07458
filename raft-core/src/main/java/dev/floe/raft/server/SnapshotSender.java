package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.Transport;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.SnapshotResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot to one follower (InstallSnapshot, Raft paper §7, Figure 13), on an activity
 * of its own: the data as {@link SnapshotRequest} chunks of {@link SnapshotOptions#chunkBytes()}, at
 * most {@link SnapshotOptions#windowChunks()} unacknowledged (so memory stays bounded whatever the
 * snapshot's size), then an empty {@code done} chunk carrying the CRC32C of the whole.
 *
 * <p>Acknowledgements are {@link SnapshotResponse}s: {@code nextOffset} is how far the follower has
 * stored; {@code success=false} asks to resend from {@code nextOffset} (a lost or reordered chunk,
 * or 0 when the follower lost the transfer or the checksum failed). {@code nextOffset = size + 1}
 * acknowledges the done chunk: the follower stored and verified the snapshot. With no
 * acknowledgement for {@link SnapshotOptions#retransmitAfter()} it resends from the last
 * acknowledged offset; with no progress for {@link SnapshotOptions#transferTimeout()} it gives up.
 * Either way the outcome goes to {@code report}, once.
 */
final class SnapshotSender implements Scheduler.Task {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSender.class);
    /** {@link #round()}'s answer when the transfer is given up (DONE when it succeeded). */
    private static final long GAVE_UP = Long.MIN_VALUE + 1;

    private final NodeId self;
    private final NodeId peer;
    private final long term;
    private final SnapshotStore.Snapshot snapshot;
    private final Transport transport;
    private final SnapshotOptions options;
    private final BiConsumer<NodeId, Boolean> report;
    private final Clock clock;
    private final EventReporter events;
    /** Set when the activity starts: acknowledgements and cancellation wake it. */
    private volatile Scheduler.Activity activity;

    // Guarded by this: what the acknowledgements say.
    private long acked;
    /** Where the follower asked us to resend from, until the sending loop takes it; -1 when none. */
    private long pendingRewind = -1;
    /** The last offset a rewind went to, and when: reordered chunks of one window ask for it many times. */
    private long lastRewindTarget = -1;
    private long lastRewindNanos;
    private long lastAckNanos;
    private long lastProgressNanos;
    private boolean cancelled;
    private long chunksSent;
    private long maxUnackedBytes;

    // Sender activity only: where the stream is.
    private InputStream in;
    private long position; // of the stream
    private long next;     // next offset to send
    private byte[] buffer;
    private long started;
    private SnapshotProgress progress;

    SnapshotSender(NodeId self, NodeId peer, long term, SnapshotStore.Snapshot snapshot, Transport transport,
                   SnapshotOptions options, BiConsumer<NodeId, Boolean> report, Clock clock,
                   EventReporter events) {
        this.self = self;
        this.peer = peer;
        this.term = term;
        this.snapshot = snapshot;
        this.transport = transport;
        this.options = options;
        this.report = report;
        this.clock = clock;
        this.events = events;
        this.lastAckNanos = clock.nanoTime();
        this.lastProgressNanos = lastAckNanos;
    }

    NodeId peer() {
        return peer;
    }

    /** Starts streaming on an activity of its own. */
    void start(Scheduler scheduler) {
        activity = scheduler.start("floe-" + self.value() + "-snapshot-to-" + peer.value(), this);
    }

    /** Transport thread: an acknowledgement from the follower. */
    void onResponse(SnapshotResponse r) {
        synchronized (this) {
            if (r.snapshotIndex() != snapshot.meta().lastIndex()) return; // of another transfer
            long now = clock.nanoTime();
            lastAckNanos = now;
            if (r.success()) {
                if (r.nextOffset() > acked) {
                    acked = r.nextOffset();
                    lastProgressNanos = now;
                    if (acked > lastRewindTarget) lastRewindTarget = -1;
                }
            } else if (r.nextOffset() != lastRewindTarget || now - lastRewindNanos > options.retransmitAfter().toNanos()) {
                // The follower is the authority on what it holds (it may have lost the transfer: 0).
                // One rewind per target, not one per chunk of the window that arrived after a gap.
                acked = Math.min(r.nextOffset(), snapshot.sizeBytes());
                pendingRewind = acked;
                lastRewindTarget = acked;
                lastRewindNanos = now;
            }
        }
        wake();
    }

    /** Any thread: stop (leadership lost, server closing); reported as a failure. */
    void cancel() {
        synchronized (this) {
            cancelled = true;
        }
        wake();
    }

    private void wake() {
        Scheduler.Activity a = activity;
        if (a != null) a.wake();
    }

    /** One round: sends what the window allows; returns when to look again, or DONE once reported. */
    @Override
    public long run() {
        Boolean outcome;
        long again;
        try {
            if (in == null) {
                started = clock.nanoTime();
                LOG.info("{} [term {}] sends snapshot {} ({} bytes) to {}", self, term, snapshot.meta(), snapshot.sizeBytes(), peer);
                progress = events.transfer(peer, RaftEvent.Direction.SENDING, snapshot.meta().lastIndex(), term,
                        snapshot.sizeBytes());
                in = snapshot.open();
                buffer = new byte[options.chunkBytes()];
            }
            long result = round();
            if (result == Scheduler.DONE || result == GAVE_UP) {
                outcome = result == Scheduler.DONE;
            } else {
                return result;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} [term {}] snapshot {} to {} failed: {}", self, term, snapshot.meta(), peer, e.toString());
            outcome = false;
        }
        closeStream();
        if (progress != null) {
            synchronized (this) {
                progress.finished(outcome, Math.min(acked, snapshot.sizeBytes()));
            }
        }
        report.accept(peer, outcome);
        return Scheduler.DONE;
    }

    /** DONE when the follower acknowledged the whole snapshot, GAVE_UP when giving up, else when to run again. */
    private long round() throws IOException {
        long size = snapshot.sizeBytes();
        long window = (long) options.chunkBytes() * options.windowChunks();
        long retransmitNanos = options.retransmitAfter().toNanos();
        long ackedNow;
        synchronized (this) {
            long now = clock.nanoTime();
            if (cancelled) return GAVE_UP;
            if (acked > size) {
                LOG.info("{} [term {}] snapshot {} to {} done: {} chunks in {} ms, at most {} bytes unacknowledged",
                        self, term, snapshot.meta(), peer, chunksSent, (now - started) / 1_000_000, maxUnackedBytes);
                return Scheduler.DONE;
            }
            if (now - lastProgressNanos > options.transferTimeout().toNanos()) {
                LOG.warn("{} [term {}] snapshot {} to {}: no progress for {}, giving up at offset {}",
                        self, term, snapshot.meta(), peer, options.transferTimeout(), acked);
                return GAVE_UP;
            }
            if (pendingRewind >= 0) {
                next = pendingRewind;
                pendingRewind = -1;
            } else if (now - lastAckNanos > retransmitNanos && next > acked) {
                next = acked; // chunks or their acknowledgements were lost
                lastAckNanos = now;
            }
            ackedNow = acked;
        }
        progress.progress(Math.min(ackedNow, size));
        if (next < position) { // go back: reopen, the stream cannot seek
            in.close();
            in = snapshot.open();
            position = 0;
        }
        position += skip(in, Math.min(next, size) - position); // next is size + 1 once done was sent
        boolean sent = false;
        while (next < size && next - ackedNow < window) {
            int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - next));
            if (n <= 0) throw new IOException("snapshot " + snapshot.meta() + " ended at " + next + " of " + size);
            send(new SnapshotRequest(self, peer, term, snapshot.meta(), next, Bytes.wrap(Arrays.copyOf(buffer, n)),
                    false, 0));
            next += n;
            position += n;
            sent = true;
            synchronized (this) {
                maxUnackedBytes = Math.max(maxUnackedBytes, next - acked);
                ackedNow = acked;
            }
        }
        if (next == size && ackedNow == size) {
            send(new SnapshotRequest(self, peer, term, snapshot.meta(), size, Bytes.EMPTY, true, snapshot.checksum()));
            next = size + 1;
            sent = true;
        }
        // Woken by every acknowledgement; otherwise look again for retransmission and the timeout.
        long waitNanos = sent ? 1_000_000 : Math.max(1_000_000, Math.min(50_000_000, retransmitNanos));
        return clock.nanoTime() + waitNanos;
    }

    private void closeStream() {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("{} closing snapshot stream: {}", self, e.toString());
        }
    }

    private void send(SnapshotRequest chunk) {
        try {
            transport.send(chunk);
            chunksSent++;
        } catch (RuntimeException e) {
            LOG.debug("{} transport refused snapshot chunk for {}: {}", self, peer, e.toString());
        }
    }

    private static long skip(InputStream in, long count) throws IOException {
        long skipped = 0;
        byte[] scratch = null;
        while (skipped < count) {
            if (scratch == null) scratch = new byte[(int) Math.min(64 << 10, count)];
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, count - skipped));
            if (n < 0) throw new IOException("snapshot ended while skipping to " + count);
            skipped += n;
        }
        return skipped;
    }
}
