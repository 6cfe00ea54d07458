package dev.floe.raft.testkit;

/**
 * A vote must be durable before it is answered (Raft paper Figure 2, §5.2), as a play with random
 * timing, the faults of the {@link SimShape#SPLIT_VOTE} mix (five voters); one play at a time.
 *
 * <p>The members other than a voter V split into two pairs that cannot hear each other; V hears
 * both. V crashes at its next term or vote save (which is lost) and restarts later; the leader
 * crashes, so both pairs campaign. When V dies, the pair whose candidate was asking stops hearing
 * V. A V that answered before its vote was durable gave that candidate its vote; back with its
 * older term, it hears only the other pair and grants the same term's vote to that pair's
 * candidate. Each pair plus V is a majority of five: two leaders of one term. A V that saves first
 * dies without answering. The partition heals after two to four election timeouts.
 *
 * <p>Seeds 1..3,000 pass; with the vote answered before it is durable (planted mistake
 * {@code ANSWER_VOTE_BEFORE_PERSIST}) 56 of seeds 1..300 fail (the default mix: 5 of 1,000).
 */
final class SimSplitVotePlay {
    private final SimCluster cluster;
    private long busyUntil;

    SimSplitVotePlay(SimCluster cluster) {
        this.cluster = cluster;
    }

    private boolean isCandidate(int i) {
        var server = cluster.server(i);
        return server != null && server.status().role() == dev.floe.raft.server.ServerStatus.Role.CANDIDATE;
    }

    void start(long electionNanos) {
        SimWorld world = cluster.world();
        if (world.now() < busyUntil || cluster.size() != 5) return;
        int leader = cluster.leader();
        if (leader < 0) return;
        // V is any member but the leader; the other three and the leader form two pairs.
        int[] order = {0, 1, 2, 3, 4};
        for (int k = 4; k > 0; k--) {
            int j = world.random.nextInt(k + 1);
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
        int v = order[0] == leader ? order[1] : order[0];
        int[] rest = new int[4];
        int r = 0;
        for (int i : order) if (i != v) rest[r++] = i;
        for (int a = 0; a < 2; a++) {
            for (int b = 2; b < 4; b++) cluster.cut(rest[a], rest[b]);
        }
        // When V dies, the pair whose candidate asked it stops hearing V: back with its older term, V
        // hears only the other pair, whose candidate then asks it for the same term's vote.
        cluster.crashAtNextHardStateSave(v, () -> {
            for (int p = 0; p < 4; p += 2) {
                if (isCandidate(rest[p]) || isCandidate(rest[p + 1])) {
                    cluster.cut(v, rest[p]);
                    cluster.cut(v, rest[p + 1]);
                    cluster.note("split vote: " + cluster.id(v) + " crashed saving a vote; cut it from "
                            + cluster.id(rest[p]) + "+" + cluster.id(rest[p + 1]));
                }
            }
        });
        cluster.crashMember(leader);
        cluster.note("split vote: " + cluster.id(rest[0]) + "+" + cluster.id(rest[1]) + " | " + cluster.id(rest[2]) + "+"
                + cluster.id(rest[3]) + ", " + cluster.id(v) + " hears both and crashes at its next vote save; leader "
                + cluster.id(leader) + " crashes");
        long heal = (2 + world.random.nextInt(3)) * electionNanos;
        busyUntil = world.now() + heal + electionNanos;
        world.at(world.now() + heal, null, () -> {
            if (cluster.healed()) return;
            cluster.healPartitions();
            cluster.note("split vote: heal the partition");
        });
    }
}
