package dev.floe.raft.server;

import dev.floe.raft.testkit.NoFloeThreadsLeft;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.floe.raft.testkit.ServerCluster;

import dev.floe.raft.testkit.RecordingStateMachine;
import dev.floe.raft.testkit.LocalCluster;

import dev.floe.raft.testkit.Await;
import static dev.floe.raft.testkit.ServerCluster.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Bytes;
import dev.floe.raft.LeadershipTransferException;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Leadership transfer through the server (thesis §3.10): completes, or aborts within an election timeout. */
@ExtendWith(NoFloeThreadsLeft.class)
class MembershipTransferServerTest {
    private static final List<NodeId> THREE = List.of(id(1), id(2), id(3));
    private final LocalCluster<RecordingStateMachine> cluster = LocalCluster.recording(5, LocalCluster.FAST);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void transferToALaggingFollowerBringsItUpToDateThenCompletes_thesis3_10() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        NodeId target = THREE.stream().filter(n -> !n.equals(leader.id())).findFirst().orElseThrow();
        cluster.network.isolate(target);
        List<CompletableFuture<Bytes>> writes = new ArrayList<>();
        for (int i = 0; i < 300; i++) writes.add(leader.submit(Bytes.utf8("c" + i)));
        for (CompletableFuture<Bytes> w : writes) w.get(5, TimeUnit.SECONDS);
        assertThat(cluster.machine(target).commands()).isEmpty();
        cluster.network.heal();

        leader.transferLeadership(target).get(5, TimeUnit.SECONDS);
        // The future completes in the pass that ends the transfer; the statuses are published after
        // it, so for a moment every member may still show the old leader.
        RaftServer newLeader = Await.value(Duration.ofSeconds(10), target + " to lead", () -> {
            RaftServer agreed = cluster.awaitLeader(THREE);
            return agreed.id().equals(target) ? Optional.of(agreed) : Optional.empty();
        });
        assertThat(newLeader.id()).isEqualTo(target);
        // It won only because its log was complete (§5.4.1): the 300 acknowledged writes are there.
        ServerCluster.write(newLeader, "after");
        assertThat(cluster.machine(target).commands()).hasSize(301).endsWith("after");
    }

    @Test
    void transferToAnIsolatedFollowerAbortsWithinAnElectionTimeoutAndTheLeaderLeadsOn_thesis3_10() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        NodeId target = THREE.stream().filter(n -> !n.equals(leader.id())).findFirst().orElseThrow();
        cluster.network.isolate(target);
        long start = System.nanoTime();
        CompletableFuture<Void> transfer = leader.transferLeadership(target);
        // While the transfer runs, the leader takes no commands (thesis §3.10) ...
        Await.until(Duration.ofSeconds(2), "commands refused during the transfer", () -> {
            try {
                leader.submit(Bytes.utf8("during")).get(2, TimeUnit.SECONDS);
                return false;
            } catch (ExecutionException e) {
                return e.getCause() instanceof dev.floe.raft.NotLeaderException;
            } catch (Exception e) {
                return false;
            }
        });
        assertThatThrownBy(() -> transfer.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LeadershipTransferException.class)
                .hasMessageContaining("did not take over within an election timeout")
                .extracting(e -> ((LeadershipTransferException) e).reason()).isEqualTo(LeadershipTransferException.Reason.ABORTED);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long electionTimeoutMillis = LocalCluster.FAST.tickInterval().toMillis() * LocalCluster.FAST.electionTicks();
        // An election timeout of ticks, plus scheduling slack on a loaded machine.
        assertThat(tookMillis).isLessThan(electionTimeoutMillis + 1_000);
        // ... and afterwards it leads on and takes them again.
        assertThat(leader.status().isLeader()).isTrue();
        ServerCluster.write(leader, "after");
        assertThat(leader.status().leader()).isEqualTo(Optional.of(leader.id()));
    }

    @Test
    void transferRequestsThatCannotWorkAreRefused() throws Exception {
        RaftServer leader = cluster.bootstrap(3).awaitLeader(THREE);
        RaftServer follower = THREE.stream().map(cluster::server).filter(s -> s != leader).findFirst().orElseThrow();
        assertThatThrownBy(() -> follower.transferLeadership(leader.id()).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(dev.floe.raft.NotLeaderException.class).hasMessageContaining("the leader is " + leader.id());
        assertThat(reason(leader.transferLeadership(id(9)))).isEqualTo(LeadershipTransferException.Reason.INVALID);
        assertThat(reason(leader.transferLeadership(leader.id()))).isEqualTo(LeadershipTransferException.Reason.INVALID);

        cluster.network.isolate(follower.id());
        CompletableFuture<Void> first = leader.transferLeadership(follower.id());
        NodeId other = THREE.stream().filter(n -> !n.equals(leader.id()) && !n.equals(follower.id())).findFirst().orElseThrow();
        assertThat(reason(leader.transferLeadership(other))).isEqualTo(LeadershipTransferException.Reason.IN_PROGRESS);
        assertThatThrownBy(() -> leader.removeMember(other).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(dev.floe.raft.MembershipChangeException.class).hasMessageContaining("leadership transfer");
        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(LeadershipTransferException.class);
    }

    private static LeadershipTransferException.Reason reason(CompletableFuture<Void> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LeadershipTransferException t) return t.reason();
            throw new AssertionError("unexpected failure", e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the transfer was expected to be refused");
    }
}
