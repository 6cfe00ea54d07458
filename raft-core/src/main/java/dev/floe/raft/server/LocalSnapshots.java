package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.StateMachine;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier thread's side of snapshots (Raft paper §7): decides when one is due, writes one
 * through the {@link SnapshotStore} at the applied index, and restores the state machine from the
 * stored one. Applier thread only (and {@code RaftServer.start} before the threads run).
 */
final class LocalSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSnapshots.class);

    private final NodeId id;
    private final Optional<SnapshotStore> store;
    private final SnapshotOptions options;
    private final EventReporter events;
    /**
     * Snapshots the receiver stored lately, by what they end at (receiver thread writes, applier
     * reads). A store answers {@code latest()} with the highest index it holds, which is not always
     * the one the core installs: a transfer whose done chunk the core ignored (its term was over)
     * may have stored a higher one. So a restore takes the snapshot received for exactly that index.
     */
    private final java.util.LinkedHashMap<SnapshotMeta, SnapshotStore.Snapshot> received = new java.util.LinkedHashMap<>();
    private long lastIndex;
    private long entriesSince;
    private long bytesSince;

    LocalSnapshots(NodeId id, Optional<SnapshotStore> store, SnapshotOptions options, long lastIndex, EventReporter events) {
        this.id = id;
        this.store = store;
        this.options = options;
        this.lastIndex = lastIndex;
        this.events = events;
    }

    /** Receiver thread: {@code snapshot} was stored from a leader's transfer and handed to the core. */
    void received(SnapshotStore.Snapshot snapshot) {
        synchronized (received) {
            received.put(snapshot.meta(), snapshot);
            while (received.size() > 4) received.remove(received.keySet().iterator().next());
        }
    }

    boolean enabled() {
        return store.isPresent();
    }

    /** The last index of the newest snapshot this member took or installed. */
    long lastIndex() {
        return lastIndex;
    }

    /** Counts an applied entry of {@code bytes}; whether an automatic snapshot is due. */
    boolean countApplied(long bytes) {
        entriesSince++;
        bytesSince += bytes;
        return store.isPresent() && options.due(entriesSince, bytesSince);
    }

    /**
     * Writes a snapshot of {@code stateMachine} described by {@code meta} and commits it. On failure
     * the previous snapshot stands, and the counters restart so a failing store is not retried at
     * every entry.
     */
    SnapshotStore.Snapshot take(SnapshotMeta meta, ServerSnapshot.ServerState serverState, StateMachine stateMachine)
            throws IOException {
        SnapshotStore s = store.orElseThrow(() -> new IllegalStateException(id + " has no snapshot store"));
        entriesSince = 0;
        bytesSince = 0;
        long started = events.clock().nanoTime();
        SnapshotStore.Writer writer = s.begin(meta);
        try {
            OutputStream out = new BufferedOutputStream(writer, 64 << 10);
            ServerSnapshot.write(out, serverState, stateMachine);
            out.flush();
            SnapshotStore.Snapshot done = writer.commit();
            lastIndex = Math.max(lastIndex, meta.lastIndex());
            LOG.info("{} took snapshot {} ({} bytes) in {} ms", id, meta, done.sizeBytes(),
                    (events.clock().nanoTime() - started) / 1_000_000);
            events.snapshotTaken(meta.lastIndex(), done.sizeBytes(), events.clock().nanoTime() - started);
            return done;
        } catch (IOException | RuntimeException e) {
            writer.abort();
            throw e;
        }
    }

    /**
     * Restores {@code stateMachine} from the stored snapshot that ends at {@code meta}; returns the
     * server state it carried.
     *
     * @throws IOException when the store does not hold that snapshot or it cannot be read
     */
    ServerSnapshot.ServerState restore(SnapshotMeta meta, StateMachine stateMachine) throws IOException {
        SnapshotStore s = store.orElseThrow(() -> new IOException(id + " has no snapshot store to restore " + meta + " from"));
        SnapshotStore.Snapshot snap;
        synchronized (received) {
            snap = received.get(meta);
        }
        if (snap == null) snap = s.latest().orElseThrow(() -> new IOException(id + " holds no snapshot, expected " + meta));
        if (snap.meta().lastIndex() != meta.lastIndex() || snap.meta().lastTerm() != meta.lastTerm()) {
            throw new IOException(id + " holds snapshot " + snap.meta() + " but must restore " + meta);
        }
        ServerSnapshot.ServerState serverState;
        long started = events.clock().nanoTime();
        try (InputStream in = snap.open()) {
            serverState = ServerSnapshot.restore(in, stateMachine);
        }
        lastIndex = meta.lastIndex();
        entriesSince = 0;
        bytesSince = 0;
        LOG.info("{} restored its state machine from snapshot {} ({} bytes)", id, meta, snap.sizeBytes());
        events.snapshotInstalled(meta.lastIndex(), snap.sizeBytes(), events.clock().nanoTime() - started);
        return serverState;
    }
}
