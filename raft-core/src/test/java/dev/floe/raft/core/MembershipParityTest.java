package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.SnapshotRequest;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Membership shapes of etcd-io/raft's raft_test.go (TestAddNodeCheckQuorum, TestCommitAfterRemoveNode, TestRestoreWith*). */
class MembershipParityTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static TreeSet<NodeId> ids(String... names) {
        TreeSet<NodeId> out = new TreeSet<>();
        for (String n : names) out.add(NodeId.of(n));
        return out;
    }

    /** Thesis §6.2 with §4.1: a voter just added has not had a chance to answer; it must not depose the leader at once. */
    @Test
    void newVoterDoesNotTripCheckQuorumBeforeItHadAnElectionTimeoutToAnswer_thesis6_2() {
        TestCluster c = new TestCluster(4, 3, TestCluster.OPTIONS);
        Predicate<Message> n3AndN4Silent = m -> m.to().value().matches("n[34]") || m.from().value().matches("n[34]");
        c.elect("n1", n3AndN4Silent); // n3 stays silent: n1 leads with n2 alone, 2 of 3
        c.deliverAll(n3AndN4Silent);
        RaftNode n1 = c.node("n1");
        for (int t = 0; t < TestCluster.OPTIONS.electionTicks() - 1; t++) {
            n1.tick();
            c.deliverAll(n3AndN4Silent);
        }
        assertThat(n1.proposeConfig(ClusterConfig.ofVoters("n1", "n2", "n3", "n4"), Bytes.EMPTY)).isInstanceOf(ProposeResult.Accepted.class);
        c.deliverAll(n3AndN4Silent);
        n1.tick(); // the CheckQuorum round ends right after the change
        c.deliverAll(n3AndN4Silent);
        assertThat(n1.role()).as("n4 joined a tick ago").isEqualTo(Role.LEADER);
        for (int t = 0; t < TestCluster.OPTIONS.electionTicks() && n1.role() == Role.LEADER; t++) {
            n1.tick();
            c.deliverAll(n3AndN4Silent);
        }
        assertThat(n1.role()).as("a whole round with only 2 of 4 voters").isEqualTo(Role.FOLLOWER);
    }

    /** Thesis §4.1: removing a silent voter shrinks the quorum at once, so what waited on it commits. */
    @Test
    void removingASilentVoterLetsPendingEntriesCommitWithTheSmallerQuorum_section4_1() {
        TestCluster c = new TestCluster(2, TestCluster.OPTIONS.withCheckQuorum(false));
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("waits-for-n2"));
        Predicate<Message> n2Silent = m -> m.to().equals(N2) || m.from().equals(N2);
        c.deliverAll(n2Silent);
        long pending = n1.lastIndex();
        assertThat(n1.commitIndex()).isLessThan(pending);
        assertThat(n1.proposeConfig(ClusterConfig.ofVoters("n1"), Bytes.EMPTY)).isInstanceOf(ProposeResult.Accepted.class);
        c.deliverAll(n2Silent);
        assertThat(n1.commitIndex()).as("n1 alone is the quorum of {n1}").isEqualTo(n1.lastIndex());
        assertThat(c.member("n1").applied).extracting(e -> e.data()).contains(cmd("waits-for-n2"));
    }

    /** Paper §7 with thesis §4.1: an installed snapshot brings the membership it was taken in, whatever the follower had. */
    @Test
    void snapshotCarriesItsConfigurationToTheFollower_section7() {
        List<ClusterConfig> configs = List.of(
                new ClusterConfig(ids("n1", "n2"), new TreeSet<>(), ids("n3")),               // a learner
                new ClusterConfig(ids("n1", "n3"), ids("n1", "n2", "n3"), new TreeSet<>()),    // joint, n2 leaving
                new ClusterConfig(ids("n1", "n3"), new TreeSet<>(), ids("n2")),               // the follower demoted
                ClusterConfig.ofVoters("n1", "n2", "n3"));                                    // the learner promoted
        for (ClusterConfig inSnapshot : configs) {
            TestCluster c = new TestCluster(new ClusterConfig(ids("n1", "n3"), new TreeSet<>(), ids("n2")),
                    TestCluster.OPTIONS, "n1", "n2", "n3");
            RaftNode n2 = c.node("n2");
            n2.step(new SnapshotRequest(N1, N2, 2, new SnapshotMeta(10, 2, inSnapshot), 0, Bytes.EMPTY, true, 0));
            Ready rd = n2.ready();
            assertThat(n2.config()).isEqualTo(inSnapshot);
            assertThat(rd.config()).map(ConfigEntry::config).contains(inSnapshot);
            assertThat(n2.status().snapshotIndex()).isEqualTo(10);
        }
    }
}
