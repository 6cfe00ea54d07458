package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One follower's progress: the three states of etcd/raft's Progress and the pipelining window. */
class ProgressTest {
    private static final RaftOptions OPTIONS = TestCluster.OPTIONS.withFlowControl(1 << 20, 3, 1000);

    private static Progress replicatingFrom(long match) {
        Progress pr = new Progress(match + 1, false, OPTIONS);
        pr.maybeUpdate(match);
        pr.becomeReplicate();
        return pr;
    }

    @Test
    void probeSendsOneRequestAtATimeUntilAnAnswer() {
        Progress pr = new Progress(5, false, OPTIONS);
        assertThat(pr.state).isEqualTo(Progress.State.PROBE);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(7, 3, 30);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.next).as("a probe does not move next optimistically").isEqualTo(5);
        assertThat(pr.maybeUpdate(7)).isTrue();
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.match).isEqualTo(7);
        assertThat(pr.next).isEqualTo(8);
    }

    @Test
    void replicateStreamsWithinTheWindowOfMessagesAndBytes() {
        Progress pr = replicatingFrom(4);
        assertThat(pr.next).isEqualTo(5);
        pr.sentEntries(6, 2, 100);
        pr.sentEntries(8, 2, 100);
        assertThat(pr.next).isEqualTo(9);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(9, 1, 100);
        assertThat(pr.isPaused()).as("three messages in flight").isTrue();
        pr.inflights.freeUpTo(6);
        assertThat(pr.inflights.count()).isEqualTo(2);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(10, 0, 0);
        assertThat(pr.next).as("an empty append carries nothing to track").isEqualTo(10);
        assertThat(pr.inflights.count()).isEqualTo(2);

        Progress heavy = replicatingFrom(0);
        heavy.sentEntries(1, 1, 1000);
        assertThat(heavy.isPaused()).as("the byte budget is spent").isTrue();
        heavy.inflights.freeFirst();
        assertThat(heavy.isPaused()).isFalse();
    }

    @Test
    void aFullWindowRefusesMore() {
        Inflights window = new Inflights(1, 1000);
        window.add(3, 10);
        assertThatThrownBy(() -> window.add(4, 10)).isInstanceOf(IllegalStateException.class);
        window.freeUpTo(2);
        assertThat(window.count()).as("entries up to 3 are not all acknowledged").isEqualTo(1);
        window.freeFirst();
        assertThat(window.count()).isZero();
        window.freeFirst();
        assertThat(window.count()).isZero();
    }

    @Test
    void rejectionsInReplicateFallBackToMatchUnlessStale() {
        Progress pr = replicatingFrom(4);
        pr.sentEntries(8, 4, 40);
        assertThat(pr.maybeDecreaseTo(4, 2)).as("an answer to a request sent before match was known").isFalse();
        assertThat(pr.maybeDecreaseTo(3, 2)).isFalse();
        assertThat(pr.next).isEqualTo(9);
        assertThat(pr.maybeDecreaseTo(6, 2)).isTrue();
        assertThat(pr.next).as("back to right after what is known to match").isEqualTo(5);
    }

    @Test
    void rejectionsInProbeFollowTheHintButNeverGoBelowMatch() {
        Progress pr = new Progress(10, false, OPTIONS);
        pr.maybeUpdate(3);
        pr.becomeProbe();
        pr.next = 10;
        pr.sentEntries(10, 0, 0);
        assertThat(pr.maybeDecreaseTo(8, 5)).as("not the outstanding probe").isFalse();
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.maybeDecreaseTo(9, 6)).isTrue();
        assertThat(pr.next).isEqualTo(6);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(6, 0, 0);
        assertThat(pr.maybeDecreaseTo(5, 1)).isTrue();
        assertThat(pr.next).as("never at or below match").isEqualTo(4);
        pr.sentEntries(4, 0, 0);
        assertThat(pr.maybeDecreaseTo(3, 9)).isTrue();
        assertThat(pr.next).as("the hint never moves next up past the rejected index").isEqualTo(4);
    }

    @Test
    void snapshotStatePausesAndResumesRightAfterTheSnapshot() {
        Progress pr = replicatingFrom(2);
        pr.becomeSnapshot(20);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.pendingSnapshot).isEqualTo(20);
        assertThatThrownBy(() -> pr.sentEntries(21, 1, 10)).isInstanceOf(IllegalStateException.class);
        pr.becomeProbe();
        assertThat(pr.next).isEqualTo(21);
        assertThat(pr.pendingSnapshot).isZero();
        assertThat(pr.state).isEqualTo(Progress.State.PROBE);

        Progress ahead = replicatingFrom(30);
        ahead.becomeSnapshot(20);
        ahead.becomeProbe();
        assertThat(ahead.next).as("the follower already had more than the snapshot").isEqualTo(31);
    }

    @Test
    void matchOnlyGrowsAndNextFollowsIt() {
        Progress pr = replicatingFrom(5);
        pr.sentEntries(9, 4, 40);
        assertThat(pr.maybeUpdate(4)).isFalse();
        assertThat(pr.match).isEqualTo(5);
        assertThat(pr.next).isEqualTo(10);
        assertThat(pr.maybeUpdate(12)).isTrue();
        assertThat(pr.next).isEqualTo(13);
    }

    @Test
    void lostEntriesForgetTheMatchAndProbeAgain() {
        Progress pr = replicatingFrom(9);
        pr.matchRound = 4;
        pr.sentEntries(12, 3, 30);
        pr.lostAcknowledgedEntries(3);
        assertThat(pr.match).isZero();
        assertThat(pr.matchRound).isZero();
        assertThat(pr.next).isEqualTo(3);
        assertThat(pr.state).isEqualTo(Progress.State.PROBE);
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.inflights.count()).isZero();
        pr.lostAcknowledgedEntries(0);
        assertThat(pr.next).as("index 1 is the first there is").isEqualTo(1);
    }

    @Test
    void printsItsStateReadably() {
        Progress pr = replicatingFrom(4);
        pr.sentEntries(6, 2, 20);
        assertThat(pr).hasToString("REPLICATE{match=4 next=7 inflight=1}");
        Progress probe = new Progress(3, true, OPTIONS);
        probe.sentEntries(3, 1, 10);
        assertThat(probe).hasToString("PROBE{match=0 next=3 paused learner}");
    }

    @Test
    void aRepeatedAcknowledgementIsNoNews_Figure2matchIndex() {
        // matchIndex only grows; an acknowledgement of what is already matched (a duplicate, or a late
        // answer) must not count as progress, or a probing leader would resume streaming on it.
        Progress pr = new Progress(8, false, OPTIONS);
        assertThat(pr.maybeUpdate(7)).isTrue();
        pr.sentEntries(9, 2, 20);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.maybeUpdate(7)).isFalse();
        assertThat(pr.isPaused()).as("still waiting for the probe's answer").isTrue();
        assertThat(pr.maybeUpdate(5)).isFalse();
        assertThat(pr.match).isEqualTo(7);
    }
}
