package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No message may carry a term (or follow a vote) that is not durable yet (Raft paper Figure 2;
 * etcd/raft README, "no messages be sent until the latest HardState has been persisted"). The
 * dangerous case is the usual bootstrap: a single voter wins its election in the same Ready that
 * carries its new term, and has learners to send appends to.
 */
class SingleVoterDurabilityTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static TestCluster oneVoterOneLearner() {
        ClusterConfig config = new ClusterConfig(new TreeSet<>(List.of(N1)), new TreeSet<>(), new TreeSet<>(List.of(N2)));
        return new TestCluster(config, TestCluster.OPTIONS, "n1", "n2");
    }

    private static void tickUntilLeader(RaftNode n) {
        for (int i = 0; i < 10 * TestCluster.OPTIONS.electionTicks() && n.role() != Role.LEADER; i++) n.tick();
        assertThat(n.role()).isEqualTo(Role.LEADER);
    }

    @Test
    void singleVoterThatWinsAtOnceSendsItsAppendsOnlyAfterItsTermIsDurable_Figure2() {
        TestCluster c = oneVoterOneLearner();
        RaftNode n1 = c.node("n1");
        tickUntilLeader(n1);
        Ready rd = n1.ready();
        assertThat(rd.hardState()).contains(new HardState(1, Optional.of(N1)));
        assertThat(rd.messages()).as("nothing of term 1 may leave before term 1 is durable").isEmpty();
        assertThat(rd.messagesAfterPersist()).anyMatch(m -> m instanceof AppendRequest a && a.to().equals(N2) && a.term() == 1);
    }

    @Test
    void aCrashBeforeTheTermIsDurableCannotMakeTheLearnerDiverge() {
        TestCluster c = oneVoterOneLearner();
        RaftNode n1 = c.node("n1");
        tickUntilLeader(n1);
        n1.propose(cmd("first-life"));
        // A runtime sends messages() at once and loses everything it had not made durable in a crash.
        Ready lost = n1.ready();
        for (var m : lost.messages()) c.node("n2").step(m);
        c.drain("n2");
        c.restart("n1");
        c.elect("n1");
        c.node("n1").propose(cmd("second-life"));
        c.deliverAll();
        c.tickAll(3, m -> false);
        List<Entry> leaderApplied = c.member("n1").applied;
        assertThat(leaderApplied).extracting(Entry::index).contains(2L);
        assertThat(c.member("n2").applied).as("the learner applies exactly what the leader applied")
                .isEqualTo(leaderApplied.subList(0, c.member("n2").applied.size()))
                .hasSameSizeAs(leaderApplied);
    }

    @Test
    void aFollowerAnswersAHigherTermOnlyOnceThatTermIsDurable() {
        TestCluster c = new TestCluster(3);
        RaftNode n1 = c.node("n1");
        n1.step(new HeartbeatRequest(N2, N1, 5, 0, 7));
        Ready rd = n1.ready();
        assertThat(rd.hardState()).contains(new HardState(5, Optional.empty()));
        assertThat(rd.messages()).isEmpty();
        assertThat(rd.messagesAfterPersist()).containsExactly(new HeartbeatResponse(N1, N2, 5, 7));
    }
}
