package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.testkit.MemorySnapshotStore;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A follower restores the snapshot the core installed, not the store's highest one (found by seed
 * 704 of the full-runtime simulation): a transfer whose done chunk the core ignored (its leader's
 * term was over) left a higher snapshot in the store, and a later leader's lower snapshot that the
 * core did install could not be restored ("holds snapshot 41@4 but must restore 40@4"), which
 * stopped the member.
 */
class ReceivedSnapshotRestoreTest {
    private static final ClusterConfig CONFIG = ClusterConfig.ofVoters("n1", "n2", "n3");
    private static final ServerSnapshot.ServerState EMPTY = new ServerSnapshot.ServerState(Bytes.EMPTY, Bytes.EMPTY);

    @Test
    void theSnapshotReceivedForTheInstalledIndexIsRestoredEvenWhenTheStoreHoldsAHigherOne() throws Exception {
        MemorySnapshotStore store = new MemorySnapshotStore();
        LocalSnapshots snapshots = new LocalSnapshots(NodeId.of("n3"), Optional.of(store), SnapshotOptions.defaults(), 0,
                new EventReporter(NodeId.of("n3"), java.util.List.of(), Clock.system()));
        // Received from an old leader; its done chunk never reached the core.
        SnapshottingStateMachine higher = new SnapshottingStateMachine();
        higher.apply(1, Bytes.utf8("from-the-old-leader"));
        SnapshotStore.Snapshot ignored = snapshots.take(new SnapshotMeta(41, 4, CONFIG), EMPTY, higher);
        snapshots.received(ignored);
        // Received from the current leader and installed by the core.
        SnapshottingStateMachine lower = new SnapshottingStateMachine();
        lower.apply(1, Bytes.utf8("from-the-current-leader"));
        SnapshotStore.Snapshot installed = snapshots.take(new SnapshotMeta(40, 4, CONFIG), EMPTY, lower);
        snapshots.received(installed);
        assertThat(store.latest().orElseThrow().meta().lastIndex()).isEqualTo(41);

        SnapshottingStateMachine restored = new SnapshottingStateMachine();
        snapshots.restore(new SnapshotMeta(40, 4, CONFIG), restored);
        assertThat(restored.commands()).containsExactly("from-the-current-leader");
    }
}
