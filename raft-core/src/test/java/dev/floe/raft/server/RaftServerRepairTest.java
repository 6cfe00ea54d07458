package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A member whose hard state says "repairing" reports {@code REPAIRING} until it caught up, then {@code RUNNING}. */
@ExtendWith(NoFloeThreadsLeft.class)
class RaftServerRepairTest {
    private final LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(3, LocalCluster.FAST);

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    @Test
    void aRepairingFollowerSaysSoUntilItHasCaughtUpWithTheLeader() throws Exception {
        RaftServer leader = cluster.startAll().awaitLeader();
        leader.submit(Bytes.utf8("a")).get(5, TimeUnit.SECONDS);
        NodeId follower = cluster.anyFollower(leader).id();
        cluster.stop(follower);
        HardState hs = cluster.stores.hardState(follower).load();
        cluster.stores.hardState(follower).save(new HardState(hs.term(), Optional.empty(), true));

        RaftServer repairing = cluster.start(follower);
        assertThat(repairing.health().state()).isEqualTo(ServerHealth.State.REPAIRING);
        assertThat(repairing.health().problem()).get().asString().contains("does not vote");
        assertThat(repairing.health().isServing()).isTrue();

        leader.submit(Bytes.utf8("b")).get(5, TimeUnit.SECONDS);
        Await.until(Duration.ofSeconds(10), follower + " to finish repairing",
                () -> repairing.health().state() == ServerHealth.State.RUNNING);
        // The health reflects the core at once; the cleared flag reaches the store on the persist activity.
        Await.until(Duration.ofSeconds(10), follower + " to save that it finished repairing",
                () -> !cluster.stores.hardState(follower).load().repairing());
        assertThat(cluster.stores.hardState(follower).load().term()).isGreaterThanOrEqualTo(hs.term());
    }
}
