package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a starting server recovers from its snapshot store (Raft paper §7): the state machine is
 * restored from the newest snapshot, the log is lined up with it, and the core starts with the
 * snapshot's index applied and its configuration; the log after it is replayed as it commits.
 */
final class SnapshotRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRecovery.class);

    /**
     * @param applied     the index, term and configuration the state machine starts at
     * @param serverState the server's own state that travelled in the snapshot (empty without one)
     */
    record Result(SnapshotMeta applied, ServerSnapshot.ServerState serverState) {
    }

    private SnapshotRecovery() {
    }

    /**
     * Restores {@code stateMachine} from the newest snapshot in {@code store}, if any, and resets
     * {@code log} to it when the log does not contain the snapshot's last entry (a crash after a
     * snapshot was installed but before the log was reset, or a log lost while snapshots were kept).
     * Without a snapshot the state machine starts empty at index 0 with {@code bootstrap}.
     */
    static Result recover(NodeId id, Optional<SnapshotStore> store, LogStorage log, StateMachine stateMachine,
                          ClusterConfig bootstrap) throws IOException {
        Optional<SnapshotStore.Snapshot> latest = store.isPresent() ? store.get().latest() : Optional.empty();
        if (latest.isEmpty()) return new Result(new SnapshotMeta(0, 0, bootstrap), ServerSnapshot.ServerState.EMPTY);
        SnapshotStore.Snapshot snap = latest.get();
        SnapshotMeta meta = snap.meta();
        ServerSnapshot.ServerState serverState;
        try (InputStream in = snap.open()) {
            serverState = ServerSnapshot.restore(in, stateMachine);
        }
        long index = meta.lastIndex();
        boolean contains = log.firstIndex() - 1 <= index && index <= log.lastIndex() && log.term(index) == meta.lastTerm();
        if (!contains) {
            LOG.info("{} resets its log [{}, {}] to snapshot {}: the log does not contain the snapshot's last entry",
                    id, log.firstIndex(), log.lastIndex(), meta);
            log.reset(index, meta.lastTerm());
        }
        LOG.info("{} restored snapshot {} ({} bytes); replaying the log after it", id, meta, snap.sizeBytes());
        return new Result(meta, serverState);
    }
}
