package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static dev.floe.raft.core.TestCluster.isolating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.TimeoutNow;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Membership changes (thesis ch. 4, paper §6), learners, and leadership transfer (thesis §3.10). */
class MembershipTest {
    private static final RaftOptions OPTS = TestCluster.OPTIONS;

    private static ClusterConfig config(Set<String> voters, Set<String> learners) {
        TreeSet<NodeId> v = new TreeSet<>();
        voters.forEach(x -> v.add(NodeId.of(x)));
        TreeSet<NodeId> l = new TreeSet<>();
        learners.forEach(x -> l.add(NodeId.of(x)));
        return new ClusterConfig(v, new TreeSet<>(), l);
    }

    private static ProposeResult change(TestCluster c, String leader, ClusterConfig target) {
        ProposeResult r = c.node(leader).proposeConfig(target, Bytes.EMPTY);
        c.deliverAll();
        return r;
    }

    @Test
    void learnerReceivesTheLogButNeverVotesOrCounts_thesis4_2_1() {
        TestCluster c = new TestCluster(4, 3, OPTS);
        c.elect("n1");
        assertThat(change(c, "n1", config(Set.of("n1", "n2", "n3"), Set.of("n4")))).isInstanceOf(ProposeResult.Accepted.class);
        c.node("n1").propose(cmd("x"));
        c.deliverAll();
        assertThat(c.node("n4").lastIndex()).isEqualTo(c.node("n1").lastIndex());
        assertThat(c.node("n4").config().learners()).contains(NodeId.of("n4"));
        // With both other voters cut off, the learner's copy does not make a majority.
        c.node("n1").propose(cmd("y"));
        long before = c.node("n1").commitIndex();
        c.deliverAll(m -> m.to().value().matches("n[23]") || m.from().value().matches("n[23]"));
        assertThat(c.node("n1").commitIndex()).isEqualTo(before);
        // A learner never campaigns.
        for (int i = 0; i < 100; i++) c.node("n4").tick();
        assertThat(c.node("n4").role()).isEqualTo(Role.FOLLOWER);
    }

    @Test
    void configurationTakesEffectWhenAppendedNotWhenCommitted_thesis4_1() {
        TestCluster c = new TestCluster(4, 3, OPTS);
        c.elect("n1");
        c.node("n1").proposeConfig(config(Set.of("n1", "n2", "n3", "n4"), Set.of()), Bytes.EMPTY);
        assertThat(c.node("n1").config().voters()).hasSize(4);
        assertThat(c.node("n1").commitIndex()).isLessThan(c.node("n1").lastIndex());
        c.deliverAll();
        assertThat(c.node("n4").config().voters()).hasSize(4);
    }

    @Test
    void addAndPromoteOneAtATime_thesis4_1() {
        TestCluster c = new TestCluster(5, 3, OPTS);
        c.elect("n1");
        assertThat(change(c, "n1", config(Set.of("n1", "n2", "n3"), Set.of("n4", "n5")))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(change(c, "n1", config(Set.of("n1", "n2", "n3", "n4"), Set.of("n5")))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(change(c, "n1", config(Set.of("n1", "n2", "n3", "n4", "n5"), Set.of()))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(c.node("n5").config().voters()).hasSize(5);
        assertThat(c.node("n1").config().isJoint()).isFalse();
    }

    @Test
    void onlyOneChangeAtATimeAndOnlyAfterTheLeadersFirstCommit_thesis4_1() {
        TestCluster c = new TestCluster(5, 3, OPTS);
        c.elect("n1", m -> m instanceof AppendRequest);
        ProposeResult early = c.node("n1").proposeConfig(config(Set.of("n1", "n2", "n3"), Set.of("n4")), Bytes.EMPTY);
        assertThat(early).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.CONFIG_CHANGE_IN_PROGRESS));
        c.tickAll(3, m -> false);
        assertThat(c.node("n1").proposeConfig(config(Set.of("n1", "n2", "n3"), Set.of("n4")), Bytes.EMPTY))
                .isInstanceOf(ProposeResult.Accepted.class);
        ProposeResult second = c.node("n1").proposeConfig(config(Set.of("n1", "n2", "n3"), Set.of("n4", "n5")), Bytes.EMPTY);
        assertThat(second).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.CONFIG_CHANGE_IN_PROGRESS));
    }

    @Test
    void invalidChangesAreRefusedWithAReason() {
        TestCluster c = new TestCluster(3, OPTS);
        c.elect("n1");
        c.deliverAll();
        assertThat(c.node("n1").proposeConfig(config(Set.of(), Set.of("n1")), Bytes.EMPTY))
                .isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> {
                    assertThat(r.reason()).isEqualTo(ProposeResult.Reason.INVALID_CONFIG_CHANGE);
                    assertThat(r.detail()).contains("no voters");
                });
        assertThat(c.node("n1").proposeConfig(config(Set.of("n1", "n2"), Set.of("n3")), Bytes.EMPTY))
                .isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> assertThat(r.detail()).contains("voter to learner"));
        assertThat(c.node("n1").proposeConfig(c.config, Bytes.EMPTY))
                .isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> assertThat(r.detail()).contains("already"));
        assertThat(c.node("n2").proposeConfig(c.config, Bytes.EMPTY))
                .isInstanceOfSatisfying(ProposeResult.Rejected.class, r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.NOT_LEADER));
    }

    @Test
    void replacingSeveralVotersGoesThroughJointConsensusAndLeavesItAutomatically_section6() {
        TestCluster c = new TestCluster(6, 3, OPTS);
        c.elect("n1");
        c.node("n1").proposeConfig(config(Set.of("n1", "n4", "n5", "n6"), Set.of()), Bytes.EMPTY);
        assertThat(c.node("n1").config().isJoint()).isTrue();
        assertThat(c.node("n1").config().votersOutgoing()).extracting(NodeId::value).containsExactly("n1", "n2", "n3");
        c.deliverAll();
        // C_old,new committed, then C_new appended and committed by the leader on its own.
        assertThat(c.node("n1").config().isJoint()).isFalse();
        assertThat(c.node("n1").config().voters()).extracting(NodeId::value).containsExactly("n1", "n4", "n5", "n6");
        assertThat(c.node("n6").config()).isEqualTo(c.node("n1").config());
    }

    @Test
    void jointConfigurationNeedsMajoritiesOfBothOldAndNew_section6() {
        TestCluster c = new TestCluster(6, 3, OPTS);
        c.elect("n1");
        c.deliverAll();
        c.node("n1").proposeConfig(config(Set.of("n4", "n5", "n6"), Set.of()), Bytes.EMPTY);
        long jointIndex = c.node("n1").lastIndex();
        // Only the old configuration answers: a majority of old, none of new.
        c.deliverAll(m -> m.to().value().matches("n[456]") || m.from().value().matches("n[456]"));
        assertThat(c.node("n1").commitIndex()).isLessThan(jointIndex);
    }

    @Test
    void removedLeaderStepsDownOnceTheNewConfigurationCommits_thesis4_2_2() {
        TestCluster c = new TestCluster(3, OPTS);
        c.elect("n1");
        c.deliverAll();
        c.node("n1").proposeConfig(config(Set.of("n2", "n3"), Set.of()), Bytes.EMPTY);
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER); // still leads while C_new is uncommitted
        c.deliverAll();
        assertThat(c.node("n1").role()).isEqualTo(Role.FOLLOWER);
        // The removed node never campaigns again; the remaining two elect a leader.
        c.tickAll(60, isolating("n1"));
        assertThat(c.node("n1").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("n2").role() == Role.LEADER || c.node("n3").role() == Role.LEADER).isTrue();
    }

    @Test
    void deletedUncommittedConfigurationEntryRevertsTheConfiguration_thesis4_1() {
        TestCluster c = new TestCluster(4, 3, OPTS);
        RaftNode n2 = c.node("n2");
        NodeId n1 = NodeId.of("n1");
        NodeId n3 = NodeId.of("n3");
        ClusterConfig withLearner = config(Set.of("n1", "n2", "n3"), Set.of("n4"));
        java.util.List<dev.floe.raft.Entry> first = java.util.List.of(
                new dev.floe.raft.Entry(1, 1, dev.floe.raft.EntryType.NO_OP, Bytes.EMPTY),
                new dev.floe.raft.Entry(1, 2, dev.floe.raft.EntryType.CONFIG, ConfigEntry.encode(withLearner, Bytes.EMPTY)));
        n2.step(new AppendRequest(n1, n2.id(), 1, 0, 0, first, 1));
        assertThat(n2.config()).isEqualTo(withLearner);
        // A leader of term 2 never had the change: its entry 2 replaces ours, and so does the configuration.
        n2.step(new AppendRequest(n3, n2.id(), 2, 1, 1,
                java.util.List.of(new dev.floe.raft.Entry(2, 2, dev.floe.raft.EntryType.NO_OP, Bytes.EMPTY)), 1));
        assertThat(n2.config()).isEqualTo(c.config);
        assertThat(n2.ready().config()).map(ConfigEntry::config).contains(c.config);
    }

    @Test
    void restartedNodeUsesTheLatestConfigurationInItsLog_thesis4_1() {
        TestCluster c = new TestCluster(4, 3, OPTS);
        c.elect("n1");
        change(c, "n1", config(Set.of("n1", "n2", "n3", "n4"), Set.of()));
        c.restart("n2");
        assertThat(c.node("n2").config().voters()).hasSize(4);
    }

    @Test
    void restartedNodeReadsAConfigurationThatIsTheOnlyEntryAfterItsSnapshot_thesis4_1() {
        // The log's first and last index are the same entry: the scan must still read it.
        TestCluster c = new TestCluster(4, 3, OPTS);
        ClusterConfig four = config(Set.of("n1", "n2", "n3", "n4"), Set.of());
        c.member("n2").log.reset(5, 1);
        c.member("n2").log.append(java.util.List.of(
                new dev.floe.raft.Entry(1, 6, dev.floe.raft.EntryType.CONFIG, ConfigEntry.encode(four, Bytes.EMPTY))));
        c.restart("n2");
        assertThat(c.node("n2").config()).isEqualTo(four);
    }

    @Test
    void leadershipTransferToAnUpToDateFollowerCompletes_thesis3_10() {
        TestCluster c = new TestCluster(3, OPTS);
        c.elect("n1");
        c.deliverAll();
        assertThat(c.node("n1").transferLeadership(NodeId.of("n2"))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(c.node("n1").propose(cmd("during"))).isInstanceOfSatisfying(ProposeResult.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(ProposeResult.Reason.LEADERSHIP_TRANSFER));
        c.deliverAll();
        assertThat(c.node("n2").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.member("n1").readies).anyMatch(rd -> rd.transfer().equals(java.util.Optional.of(new TransferResult(NodeId.of("n2"), true))));
    }

    @Test
    void leadershipTransferToALaggingFollowerCatchesItUpFirst_thesis3_10() {
        TestCluster c = new TestCluster(3, OPTS);
        c.elect("n1");
        for (int i = 0; i < 20; i++) c.node("n1").propose(cmd("x" + i));
        c.deliverAll(m -> m.to().value().equals("n3"));
        long leaderLast = c.node("n1").lastIndex();
        c.node("n1").transferLeadership(NodeId.of("n3"));
        assertThat(c.take(m -> m instanceof TimeoutNow)).as("not before n3 has caught up").isEmpty();
        c.tickAll(3, m -> false);
        assertThat(c.node("n3").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n3").commitIndex()).isGreaterThanOrEqualTo(leaderLast);
    }

    @Test
    void leadershipTransferAbortsWithinAnElectionTimeoutWhenTheTargetIsUnreachable_thesis3_10() {
        TestCluster c = new TestCluster(3, OPTS);
        c.elect("n1");
        c.deliverAll();
        c.node("n1").transferLeadership(NodeId.of("n3"));
        c.tickAll(OPTS.electionTicks() - 1, isolating("n3"));
        assertThat(c.node("n1").transferTarget()).as("still transferring, one tick short of an election timeout").isPresent();
        c.tickAll(1, isolating("n3"));
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").transferTarget()).isEmpty();
        assertThat(c.member("n1").readies).anyMatch(rd -> rd.transfer().equals(java.util.Optional.of(new TransferResult(NodeId.of("n3"), false))));
        assertThat(c.node("n1").propose(cmd("after"))).isInstanceOf(ProposeResult.Accepted.class);
    }

    @Test
    void aConfigurationChangeKeepsWhatTheLeaderKnowsOfItsFollowers_Figure2() {
        // matchIndex and nextIndex are reinitialized after an election, not when the membership
        // changes: the followers stay in REPLICATE at their match, the new member starts probing.
        TestCluster c = new TestCluster(4, 3, OPTS);
        c.elect("n1");
        c.node("n1").propose(cmd("w"));
        c.deliverAll();
        long last = c.node("n1").lastIndex();
        c.node("n1").proposeConfig(config(Set.of("n1", "n2", "n3"), Set.of("n4")), Bytes.EMPTY);
        c.drain("n1");
        var followers = c.node("n1").status().followers();
        assertThat(followers.keySet()).extracting(NodeId::value).containsExactlyInAnyOrder("n2", "n3", "n4");
        assertThat(followers.get(NodeId.of("n2")).matchIndex()).isEqualTo(last);
        assertThat(followers.get(NodeId.of("n2")).state()).isEqualTo("REPLICATE");
        assertThat(followers.get(NodeId.of("n4")).state()).isEqualTo("PROBE");
        c.deliverAll();
        c.node("n1").proposeConfig(config(Set.of("n1", "n2"), Set.of("n4")), Bytes.EMPTY); // remove n3
        c.drain("n1");
        assertThat(c.node("n1").status().followers().keySet()).as("a removed member is no longer tracked")
                .extracting(NodeId::value).doesNotContain("n3");
    }
}
