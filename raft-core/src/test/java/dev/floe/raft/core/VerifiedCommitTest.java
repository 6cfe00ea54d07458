package dev.floe.raft.core;

import static dev.floe.raft.core.TestCluster.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A follower advances its commit index only up to what a consistency check of the current leader
 * verified in this term (Raft paper §5.3, Figure 2 rule 5: commitIndex = min(leaderCommit, index of
 * last new entry)). A heartbeat's commit index, capped at the leader's recorded match, is not enough
 * once a follower's durable log went backwards: the match is stale, and the entries now at those
 * indexes may be older-term ones the leader's log replaced.
 */
class VerifiedCommitTest {
    private static final NodeId N2 = NodeId.of("n2");

    private static Entry entry(long term, long index, String data) {
        return new Entry(term, index, EntryType.COMMAND, Bytes.utf8(data));
    }

    @Test
    void followerRestoredFromAnOldCopyDoesNotCommitOverwrittenEntriesFromAHeartbeat() {
        TestCluster c = new TestCluster(3);
        List<Entry> oldCopy = List.of(entry(1, 1, "first"), entry(1, 2, "stale-a"), entry(1, 3, "stale-b"));
        c.preload("n1", 1, oldCopy.subList(0, 1));
        c.preload("n2", 1, oldCopy);
        c.preload("n3", 1, oldCopy.subList(0, 1));
        c.elect("n1"); // n3 votes for n1; term 2
        RaftNode n1 = c.node("n1");
        n1.propose(cmd("a"));
        n1.propose(cmd("b"));
        c.deliverAll();
        c.tickAll(2, m -> false);
        assertThat(n1.commitIndex()).isEqualTo(4);
        assertThat(c.member("n2").log.term(2)).as("n2 replaced the older-term entries").isEqualTo(2);
        assertThat(n1.status().followers().get(N2).matchIndex()).isEqualTo(4);

        // n2 comes back from an old copy of its directory, holding the overwritten term-1 entries at 2 and 3.
        c.member("n2").log.append(oldCopy);
        c.restart("n2");
        RaftNode n2 = c.node("n2");

        // The leader's match for n2 is still 4, so its heartbeat carries commit 4.
        for (int i = 0; i < TestCluster.OPTIONS.heartbeatTicks() && c.inFlight.isEmpty(); i++) n1.tick();
        List<Message> heartbeat = c.take(m -> m instanceof HeartbeatRequest h && h.to().equals(N2));
        assertThat(heartbeat).singleElement().satisfies(m -> assertThat(((HeartbeatRequest) m).commit()).isEqualTo(4));
        n2.step(heartbeat.get(0));
        c.drain("n2");
        assertThat(n2.commitIndex()).as("nothing of this leader's log is verified yet").isZero();
        assertThat(c.member("n2").applied).isEmpty();

        // The leader repairs n2 (within an election timeout, even with no client writes) and it commits the right entries.
        c.tickAll(TestCluster.OPTIONS.electionTicks() + 2, m -> false);
        assertThat(n2.commitIndex()).isEqualTo(n1.commitIndex()).isEqualTo(4);
        List<Entry> leaderLog = c.member("n1").log.entries(1, 5, Long.MAX_VALUE);
        assertThat(c.member("n2").applied).isEqualTo(leaderLog);
    }

    @Test
    void idleFollowerThatRestartedLearnsTheCommitIndexWithoutNewWrites() {
        TestCluster c = new TestCluster(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        for (int i = 0; i < 3; i++) n1.propose(cmd("x" + i));
        c.deliverAll();
        c.tickAll(2, m -> false);
        assertThat(n1.commitIndex()).isEqualTo(4);

        c.restart("n2");
        RaftNode n2 = c.node("n2");
        assertThat(n2.commitIndex()).isZero();
        c.tickAll(TestCluster.OPTIONS.electionTicks() + 2, m -> false);
        assertThat(n1.lastIndex()).as("no new writes").isEqualTo(4);
        assertThat(n2.commitIndex()).isEqualTo(4);
        assertThat(c.member("n2").applied).isEqualTo(c.member("n1").log.entries(1, 5, Long.MAX_VALUE));
    }
}
