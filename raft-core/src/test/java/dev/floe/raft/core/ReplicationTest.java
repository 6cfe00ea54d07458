package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Log replication: Raft paper §5.3, §8 and Figure 2 (AppendEntries receiver rules). */
class ReplicationTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");

    private static List<Entry> entries(long fromIndex, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(Entry.command(terms[i], fromIndex + i, cmd("e" + (fromIndex + i) + "t" + terms[i])));
        return out;
    }

    @Test
    void newLeaderAppendsANoOpEntryOfItsTerm_section8() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        Entry first = c.member("n1").log.entries(1, 2, Long.MAX_VALUE).get(0);
        assertThat(first.type()).isEqualTo(EntryType.NO_OP);
        assertThat(first.term()).isEqualTo(c.node("n1").term());
        assertThat(c.node("n1").commitIndex()).isEqualTo(1);
    }

    @Test
    void appendIsRejectedWhenPrevLogIndexAndTermDoNotMatch_consistencyCheck_section5_3() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 2, entries(1, 1, 2));
        RaftNode n2 = c.node("n2");
        // prev (2, term 1) does not match our (2, term 2)
        n2.step(new AppendRequest(N1, N2, 3, 2, 1, entries(3, 3), 0));
        // Term 3 is new here, so the answer waits until it is durable.
        List<Message> out = n2.ready().messagesAfterPersist();
        assertThat(out).hasSize(1);
        AppendResponse r = (AppendResponse) out.get(0);
        assertThat(r.success()).isFalse();
        assertThat(r.rejectedIndex()).isEqualTo(2);
        assertThat(n2.lastIndex()).isEqualTo(2);
    }

    @Test
    void conflictingSuffixIsDeletedAndMissingEntriesAppended_Figure2rules3and4() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 2, entries(1, 1, 2, 2, 2));
        RaftNode n2 = c.node("n2");
        // The leader of term 3 has (1,t1) (2,t3) (3,t3): our entries 2..4 conflict.
        n2.step(new AppendRequest(N1, N2, 3, 1, 1, entries(2, 3, 3), 0));
        Ready rd = n2.ready();
        assertThat(rd.entries()).extracting(Entry::index).containsExactly(2L, 3L);
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 3, 3));
        c.member("n2").log.append(rd.entries());
        n2.persisted(3, 3);
        assertThat(n2.lastIndex()).isEqualTo(3);
        assertThat(c.member("n2").log.term(2)).isEqualTo(3);
    }

    @Test
    void alreadyPresentEntriesAreNotRewritten_Figure2rule3() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 1, entries(1, 1, 1, 1));
        RaftNode n2 = c.node("n2");
        // A delayed, shorter copy of an old append must not truncate what follows it.
        n2.step(new AppendRequest(N1, N2, 1, 0, 0, entries(1, 1), 0));
        Ready rd = n2.ready();
        assertThat(rd.entries()).isEmpty();
        assertThat(n2.lastIndex()).isEqualTo(3);
        assertThat(rd.messagesAfterPersist()).containsExactly(AppendResponse.accepted(N2, N1, 1, 1));
    }

    @Test
    void followerCommitIsMinOfLeaderCommitAndLastNewEntry_Figure2rule5() {
        TestCluster c = new TestCluster(3);
        c.preload("n2", 1, entries(1, 1, 1, 1, 1, 1));
        RaftNode n2 = c.node("n2");
        // Our log goes to 5, but this request only vouches for entries up to 2.
        n2.step(new AppendRequest(N1, N2, 1, 1, 1, entries(2, 1), 5));
        assertThat(n2.commitIndex()).isEqualTo(2);
        n2.step(new AppendRequest(N1, N2, 1, 2, 1, entries(3, 1), 2));
        assertThat(n2.commitIndex()).isEqualTo(2);
        n2.step(new AppendRequest(N1, N2, 1, 3, 1, entries(4, 1), 4));
        assertThat(n2.commitIndex()).isEqualTo(4);
    }

    @Test
    void divergentFollowerIsRepairedInOneRoundTripPerTerm_conflictHint_section5_3() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false));
        // n2 has a long run of term-2 entries the leader never had; the leader has a run of term 3.
        c.preload("n1", 3, entries(1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3));
        c.preload("n2", 2, entries(1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2));
        c.preload("n3", 3, entries(1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3));
        c.elect("n1");
        List<AppendResponse> rejections = new ArrayList<>();
        for (Ready rd : c.member("n2").readies) {
            for (Message m : rd.messages()) if (m instanceof AppendResponse r && !r.success()) rejections.add(r);
        }
        // One rejection for the term-2 run, instead of one per conflicting entry (14 of them).
        assertThat(rejections).hasSizeLessThanOrEqualTo(2);
        assertThat(c.member("n2").log.entries(1, c.member("n2").log.lastIndex() + 1, Long.MAX_VALUE))
                .isEqualTo(c.member("n1").log.entries(1, c.member("n1").log.lastIndex() + 1, Long.MAX_VALUE));
    }

    @Test
    void leaderNeverCommitsAnEarlierTermEntryByCountingReplicas_Figure8() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false));
        // Index 2 (term 2) was written by an old leader to n1 only; n1 now wins a later term.
        c.preload("n1", 3, entries(1, 1, 2));
        c.preload("n2", 3, entries(1, 1));
        c.preload("n3", 3, entries(1, 1));
        c.elect("n1", m -> m instanceof AppendRequest);
        RaftNode n1 = c.node("n1");
        assertThat(n1.lastIndex()).isEqualTo(3); // n1 appended its no-op at 3
        // n2 acknowledges index 2 only: a majority (n1, n2) holds entry 2 of term 2.
        n1.step(AppendResponse.accepted(N2, N1, n1.term(), 2));
        assertThat(n1.commitIndex()).as("entry 2 is of an earlier term: counting replicas must not commit it").isLessThan(2);
        // Once the current term's no-op is on a majority, both commit together.
        n1.step(AppendResponse.accepted(N2, N1, n1.term(), 3));
        assertThat(n1.commitIndex()).isEqualTo(3);
    }

    @Test
    void proposalsBetweenTwoReadiesGoOutAsOneAppendPerFollower_batching() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.tickAll(2, m -> false);
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 100; i++) n1.propose(cmd("x" + i));
        Ready rd = n1.ready();
        List<AppendRequest> appends = rd.messages().stream().filter(m -> m instanceof AppendRequest).map(m -> (AppendRequest) m).toList();
        assertThat(appends).hasSize(2).allMatch(a -> a.entries().size() == 100);
        assertThat(rd.entries()).hasSize(100);
    }

    @Test
    void replicationIsPipelinedWithinTheInflightWindow() {
        RaftOptions opts = TestCluster.OPTIONS.withFlowControl(64, 4, 1 << 20);
        TestCluster c = new TestCluster(3, opts);
        c.elect("n1");
        c.tickAll(2, m -> false);
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 20; i++) n1.propose(cmd("y" + i));
        Ready rd = n1.ready();
        long toN2 = rd.messages().stream().filter(m -> m instanceof AppendRequest a && a.to().equals(N2)).count();
        // Several requests in flight at once (pipelining), but never more than the window of 4.
        assertThat(toN2).isEqualTo(4);
        assertThat(n1.status().followers().get(N2).state()).isEqualTo("REPLICATE");
    }

    @Test
    void followerInProbeStateGetsOneRequestAtATime() {
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withFlowControl(64, 4, 1 << 20));
        // The leader's first probe to n2 is lost: n2 stays in PROBE with that probe outstanding.
        c.elect("n1", m -> m instanceof AppendRequest && m.to().equals(N2));
        RaftNode n1 = c.node("n1");
        assertThat(n1.status().followers().get(N2).state()).isEqualTo("PROBE");
        for (int i = 0; i < 10; i++) n1.propose(cmd("z" + i));
        assertThat(n1.ready().messages()).noneMatch(m -> m instanceof AppendRequest && m.to().equals(N2));
        // A heartbeat answer un-pauses the probe: exactly one request goes out.
        n1.step(new dev.floe.raft.message.HeartbeatResponse(N2, N1, n1.term(), 0));
        assertThat(n1.ready().messages()).filteredOn(m -> m instanceof AppendRequest && m.to().equals(N2)).hasSize(1);
    }

    @Test
    void lostAppendsAreRecoveredThroughHeartbeats() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.tickAll(2, m -> false);
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 5; i++) n1.propose(cmd("lost" + i));
        // Every append to n3 is lost; heartbeats then reveal the gap and n3 is repaired.
        c.deliverAll(m -> m instanceof AppendRequest && m.to().equals(NodeId.of("n3")));
        c.tickAll(5, m -> false);
        assertThat(c.node("n3").lastIndex()).isEqualTo(n1.lastIndex());
    }

    /** The prevLogIndex of each AppendRequest {@code from} sent {@code to}, in order. */
    private static List<Long> appendsPrev(TestCluster c, String from, String to) {
        List<Long> out = new ArrayList<>();
        for (Ready rd : c.member(from).readies) {
            for (Message m : rd.messages()) {
                if (m instanceof AppendRequest a && a.to().equals(NodeId.of(to))) out.add(a.prevLogIndex());
            }
        }
        return out;
    }

    @Test
    void conflictHintJumpsToTheLeadersLastEntryOfTheFollowersTerm_section5_3() {
        // The leader holds term 2 up to 5; the follower's term-2 run starts at 3 and goes past 5. After
        // one rejection the leader retries right after its own last term-2 entry (5), where the logs
        // agree, not at the start of the follower's run (3) nor one entry at a time.
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false));
        c.preload("n1", 4, entries(1, 1, 1, 2, 2, 2, 4));
        c.preload("n2", 3, entries(1, 1, 1, 2, 2, 2, 2, 2, 3));
        c.preload("n3", 4, entries(1, 1, 1, 2, 2, 2, 4));
        c.elect("n1");
        List<Long> prevs = appendsPrev(c, "n1", "n2");
        assertThat(prevs.get(0)).as("the first probe, at the leader's log end before its no-op").isEqualTo(6);
        assertThat(prevs.get(1)).isEqualTo(5);

        // The leader's last entry of that term is the follower's first of it (3): retry right after it.
        TestCluster d = new TestCluster(3, TestCluster.OPTIONS.withPreVote(false));
        d.preload("n1", 4, entries(1, 1, 1, 2, 4, 4));
        d.preload("n2", 3, entries(1, 1, 1, 2, 2, 2, 3));
        d.preload("n3", 4, entries(1, 1, 1, 2, 4, 4));
        d.elect("n1");
        List<Long> shortRun = appendsPrev(d, "n1", "n2");
        assertThat(shortRun.get(0)).isEqualTo(5);
        assertThat(shortRun.get(1)).isEqualTo(3);
        assertThat(d.member("n2").log.entries(1, d.member("n2").log.lastIndex() + 1, Long.MAX_VALUE))
                .isEqualTo(d.member("n1").log.entries(1, d.member("n1").log.lastIndex() + 1, Long.MAX_VALUE));
    }

    @Test
    void afterARejectionTheLeaderProbesOneRequestAtATime_section5_3() {
        // One entry per request, a window of 8: while replicating, requests stream.
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withFlowControl(1, 8, 1 << 20));
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        long match = n1.lastIndex();
        for (int i = 0; i < 3; i++) n1.propose(cmd("w" + i));
        List<Message> toN2 = c.take(m -> m instanceof AppendRequest && m.to().equals(N2));
        assertThat(toN2).as("streamed").hasSize(3);
        // The first is lost; n2 rejects the other two (it lacks their previous entry).
        RaftNode n2 = c.node("n2");
        n2.step(toN2.get(1));
        n2.step(toN2.get(2));
        List<Message> rejections = c.take(m -> m instanceof AppendResponse r && !r.success() && r.from().equals(N2));
        assertThat(rejections).hasSize(2);
        n1.step(rejections.get(0));
        List<Message> retry = c.take(m -> m instanceof AppendRequest && m.to().equals(N2));
        assertThat(retry).as("one probe from the last match, not a new stream").hasSize(1);
        assertThat(((AppendRequest) retry.get(0)).prevLogIndex()).isEqualTo(match);
        assertThat(n1.status().followers().get(N2).state()).isEqualTo("PROBE");
        n1.step(rejections.get(1)); // the answer to an older request: stale, ignored
        assertThat(c.take(m -> m instanceof AppendRequest && m.to().equals(N2))).isEmpty();
        c.inFlight.addAll(retry);
        c.deliverAll();
        assertThat(c.node("n2").lastIndex()).isEqualTo(n1.lastIndex());
    }

    @Test
    void aPipelineWhoseAppendsWereAllLostIsFreedByHeartbeatAnswers() {
        // A window of two one-entry requests, both lost: heartbeat answers free it again.
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withFlowControl(1, 2, 1 << 20));
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 4; i++) n1.propose(cmd("w" + i));
        c.deliverAll(m -> m instanceof AppendRequest && m.to().equals(N2));
        assertThat(n1.status().followers().get(N2).state()).isEqualTo("REPLICATE");
        assertThat(n1.commitIndex()).as("n3 acknowledged").isEqualTo(n1.lastIndex());
        c.tickAll(10, m -> false);
        assertThat(c.node("n2").lastIndex()).isEqualTo(n1.lastIndex());
        assertThat(c.node("n2").commitIndex()).isEqualTo(n1.commitIndex());
    }

    @Test
    void unacknowledgedBytesPerFollowerStayWithinTheWindow_flowControl() {
        // A byte window of 1: one request with entries in flight, whatever its size, until answered.
        TestCluster c = new TestCluster(3, TestCluster.OPTIONS.withFlowControl(1 << 20, 256, 1));
        c.elect("n1");
        c.deliverAll();
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("a"));
        c.drain("n1");
        n1.propose(cmd("b"));
        List<Message> toN2 = c.take(m -> m instanceof AppendRequest a && a.to().equals(N2) && !a.entries().isEmpty());
        assertThat(toN2).hasSize(1);
        assertThat(((AppendRequest) toN2.get(0)).entries()).hasSize(1);
        c.inFlight.addAll(toN2);
        c.deliverAll();
        assertThat(c.node("n2").lastIndex()).as("the second goes once the first is answered").isEqualTo(n1.lastIndex());
    }

    @Test
    void followerAppendsEntriesThatStartRightAfterItsCommitIndex_Figure2rules2to4() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.deliverAll();
        RaftNode n2 = c.node("n2");
        long commit = n2.commitIndex();
        assertThat(n2.lastIndex()).isEqualTo(commit);
        Entry next = Entry.command(n2.term(), commit + 1, cmd("next"));
        n2.step(new AppendRequest(N1, N2, n2.term(), commit, c.member("n2").log.term(commit), List.of(next), commit));
        assertThat(n2.lastIndex()).as("appended in this one request").isEqualTo(commit + 1);
        c.drain("n2");
        assertThat(c.take(m -> m instanceof AppendResponse r && r.from().equals(N2)))
                .containsExactly(AppendResponse.accepted(N2, N1, n2.term(), commit + 1));
    }

    /**
     * A heartbeat answer from a follower that holds the whole log asks for nothing: only a follower
     * behind the leader's last index is probed with an empty append (its appends may have been lost).
     */
    @Test
    void anIdleCaughtUpFollowerGetsHeartbeatsButNoProbes() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        c.node("n1").propose(cmd("x"));
        c.deliverAll();
        int before = c.member("n1").readies.size();
        // Fewer ticks than an election timeout: CheckQuorum's once-per-timeout empty append stays out of it.
        for (int t = 0; t < TestCluster.OPTIONS.electionTicks() - 1; t++) {
            c.node("n1").tick();
            c.deliverAll();
        }
        List<Message> sent = new ArrayList<>();
        for (Ready rd : c.member("n1").readies.subList(before, c.member("n1").readies.size())) {
            sent.addAll(rd.messages());
            sent.addAll(rd.messagesAfterPersist());
        }
        long appends = sent.stream().filter(m -> m instanceof AppendRequest).count();
        assertThat(sent).anyMatch(m -> m instanceof dev.floe.raft.message.HeartbeatRequest);
        assertThat(appends).as("empty appends sent to caught-up followers").isZero();
    }

    /** A follower whose log is only shorter (no conflict) is sent what it lacks, not the whole log (§5.3, the rejection's hint). */
    @Test
    void aFollowerMissingOnlyTheTailIsSentOnlyTheTail_section5_3() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        for (int i = 0; i < 5; i++) c.node("n1").propose(cmd("a" + i));
        c.deliverAll();
        for (int i = 0; i < 5; i++) c.node("n1").propose(cmd("b" + i));
        c.deliverAll(m -> m.to().value().equals("n3") || m.from().value().equals("n3"));
        long n3Last = c.node("n3").lastIndex();
        assertThat(c.node("n2").lastIndex()).isGreaterThan(n3Last);
        int before = c.member("n2").readies.size();
        // n1 falls silent; n2 (n3 cannot win with its shorter log) takes over. It knows nothing of
        // n3's log and first probes at its own end.
        c.tickAll(4 * TestCluster.OPTIONS.electionTicks(), TestCluster.isolating("n1"));
        assertThat(c.node("n2").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n3").lastIndex()).isEqualTo(c.node("n2").lastIndex());
        List<AppendRequest> toN3 = new ArrayList<>();
        for (Ready rd : c.member("n2").readies.subList(before, c.member("n2").readies.size())) {
            for (Message m : rd.messages()) if (m instanceof AppendRequest a && a.to().value().equals("n3")) toN3.add(a);
            for (Message m : rd.messagesAfterPersist()) if (m instanceof AppendRequest a && a.to().value().equals("n3")) toN3.add(a);
        }
        assertThat(toN3).filteredOn(a -> !a.entries().isEmpty()).allMatch(a -> a.prevLogIndex() >= n3Last,
                "starts after n3's last entry " + n3Last);
    }
}
