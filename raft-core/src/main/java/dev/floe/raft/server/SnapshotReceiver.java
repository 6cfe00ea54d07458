package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.Transport;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.SnapshotResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's side of InstallSnapshot (Raft paper §7, Figure 13), off the consensus thread: it
 * writes chunks, in offset order, into {@code SnapshotStore.begin(meta)} while computing their
 * CRC32C, and on the {@code done} chunk verifies the checksum, commits the snapshot, and only then
 * hands the done chunk to the consensus thread, whose core installs it (Ready step 0).
 *
 * <p>One transfer at a time, identified by (leader, term, snapshot). A chunk at an unexpected offset
 * is answered with {@code success=false} and the offset expected, so the leader resends from there;
 * a chunk of an unknown transfer at an offset other than 0 (this member restarted, or the transfer
 * was superseded) is answered with 0, so the leader restarts cleanly. A checksum mismatch discards
 * the data and asks for 0. The done chunk's acknowledgement says {@code size + 1}. Chunks of an
 * older term than seen before are ignored. Memory: one chunk at a time, plus the executor's queue,
 * which the leader's window bounds.
 */
final class SnapshotReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotReceiver.class);

    private record Key(NodeId leader, long term, SnapshotMeta meta) {
    }

    private final NodeId self;
    private final Optional<SnapshotStore> store;
    private final Transport transport;
    /** Told of each stored snapshot before the core hears of it: the one a restore of its index reads. */
    private final java.util.function.Consumer<SnapshotStore.Snapshot> stored;
    /** Queues the verified done chunk for the consensus thread. */
    private final BiConsumer<SnapshotRequest, Bytes> stepIntoCore;
    private final SerialExecutor thread;
    private final EventReporter events;

    // Receiver thread only.
    private long highestTerm;
    private Key current;
    private SnapshotStore.Writer writer;
    private long expected;
    private final CRC32C crc = new CRC32C();
    private Key completed;
    private long completedSize;
    private SnapshotProgress progress;

    SnapshotReceiver(NodeId self, Optional<SnapshotStore> store, Transport transport, EventReporter events,
                     java.util.function.Consumer<SnapshotStore.Snapshot> stored,
                     BiConsumer<SnapshotRequest, Bytes> stepIntoCore, Scheduler scheduler) {
        this.events = events;
        this.stored = stored;
        this.self = self;
        this.store = store;
        this.transport = transport;
        this.stepIntoCore = stepIntoCore;
        this.thread = new SerialExecutor(scheduler, "floe-" + self.value() + "-snapshot-in");
    }

    /** Transport thread: queue a chunk. */
    void onRequest(SnapshotRequest m) {
        try {
            thread.execute(() -> handle(m));
        } catch (RejectedExecutionException e) {
            LOG.debug("{} closed; dropped {}", self, m);
        }
    }

    /** Discards a transfer in progress and stops the thread. */
    void close() {
        try {
            thread.execute(this::abort);
        } catch (RejectedExecutionException e) {
            return; // closed already
        }
        thread.shutdown();
    }

    private void handle(SnapshotRequest m) {
        if (store.isEmpty()) {
            LOG.warn("{} was sent a snapshot by {} but has no snapshot store; configure one on every member", self, m.from());
            return;
        }
        if (m.term() < highestTerm) return; // a deposed leader's transfer
        highestTerm = m.term();
        Key key = new Key(m.from(), m.term(), m.meta());
        if (key.equals(completed)) {
            respond(m, completedSize + 1, true); // a duplicate, or our acknowledgement was lost
            return;
        }
        try {
            if (!key.equals(current)) {
                if (m.offset() != 0) {
                    respond(m, 0, false); // we do not hold this transfer (restarted, or superseded): start over
                    return;
                }
                abort();
                LOG.info("{} [term {}] receives snapshot {} from {}", self, m.term(), m.meta(), m.from());
                current = key;
                writer = store.get().begin(m.meta());
                expected = 0;
                crc.reset();
                progress = events.transfer(m.from(), RaftEvent.Direction.RECEIVING, m.meta().lastIndex(),
                        m.term(), -1);
            }
            if (m.offset() != expected) {
                respond(m, expected, false); // a gap or a duplicate: continue from what we hold
                return;
            }
            if (!m.chunk().isEmpty()) {
                byte[] data = m.chunk().toByteArray();
                writer.write(data);
                crc.update(data);
                expected += data.length;
                progress.progress(expected);
            }
            if (!m.done()) {
                respond(m, expected, true);
                return;
            }
            if (crc.getValue() != m.checksum()) {
                LOG.warn("{} snapshot {} from {} failed its checksum ({} != {}); asking for it again", self, m.meta(),
                        m.from(), Long.toHexString(crc.getValue()), Long.toHexString(m.checksum()));
                abort();
                respond(m, 0, false);
                return;
            }
            SnapshotStore.Snapshot snapshot = writer.commit();
            writer = null;
            current = null;
            completed = key;
            completedSize = expected;
            progress.finished(true, expected);
            progress = null;
            LOG.info("{} [term {}] stored snapshot {} ({} bytes) from {}", self, m.term(), m.meta(), expected, m.from());
            // The member addresses travel in the snapshot; read them back here, off the consensus thread.
            Bytes configContext;
            try (java.io.InputStream in = snapshot.open()) {
                configContext = ServerSnapshot.readServerState(in).configContext();
            }
            stored.accept(snapshot);
            stepIntoCore.accept(m, configContext);
            respond(m, expected + 1, true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} could not store snapshot {} from {}: {}", self, m.meta(), m.from(), e.toString());
            abort();
            respond(m, 0, false);
        }
    }

    private void abort() {
        if (writer != null) writer.abort();
        if (progress != null) progress.finished(false, expected);
        progress = null;
        writer = null;
        current = null;
    }

    private void respond(SnapshotRequest m, long nextOffset, boolean success) {
        try {
            transport.send(new SnapshotResponse(self, m.from(), m.term(), m.meta().lastIndex(), nextOffset, success));
        } catch (RuntimeException e) {
            LOG.debug("{} transport refused a snapshot acknowledgement: {}", self, e.toString());
        }
    }
}
