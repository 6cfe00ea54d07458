package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * What a disk stalled under the leader must not cost (issue 12, item 5): for {@code stall} = 5-10
 * election timeouts, a consensus thread blocked on it would send no heartbeats (a follower would
 * campaign) and commit nothing; one that does not block goes on committing with the same leader.
 */
final class StalledDisk {
    private StalledDisk() {
    }

    /** Submits one command after another (each answered within 1 s) until {@code stall} is over; the count committed. */
    static int commitThrough(RaftServer leader, Duration stall) throws Exception {
        long stallEnds = System.nanoTime() + stall.toNanos();
        int committed = 0;
        while (System.nanoTime() < stallEnds) {
            leader.submit(Bytes.utf8("during-" + committed)).get(1, TimeUnit.SECONDS);
            committed++;
            Thread.sleep(50);
        }
        return committed;
    }

    /** No member changed its term or its leader. */
    static void assertNoElection(Collection<RaftServer> members, long term, NodeId leader) {
        for (RaftServer s : members) {
            assertThat(s.status().term()).as(s.id() + "'s term").isEqualTo(term);
            assertThat(s.status().leader()).as(s.id() + "'s leader").contains(leader);
        }
    }
}
