package dev.floe.raft.testkit;

import dev.floe.raft.server.RaftServer;

/**
 * Raft paper Figure 8 (§5.4.2) as a play in four acts with random timing, the faults of the
 * {@link SimShape#FIGURE_8} mix; one play at a time.
 *
 * <ol type="a">
 *   <li>The leader L1 is left with one follower F (a partition of the two from the rest) and takes a
 *       write, which reaches F only.</li>
 *   <li>The other side's new leader L2 (a later term) is cut off at once, with what it had on the
 *       wire, so that its first entry, at the index of that write, stays on L2. Once F holds the
 *       write, L1 crashes and the partition heals, but L2 stays cut off.</li>
 *   <li>The next leader L3 (F, or L1 back) replicates the earlier term's entries to the others one
 *       message at a time (one entry per message in this mix) and crashes the moment its commit
 *       index moves, losing what it has on the wire.</li>
 *   <li>L2 comes back. A correct L3 commits nothing before its own first entry is on a majority, and
 *       then L2's last term is too old to win. An L3 that committed an earlier term's entry by
 *       counting replicas left it committed on a majority that lacks L3's entry; L2, whose last term
 *       is newer than that entry's, can win those members' votes and overwrite it.</li>
 * </ol>
 */
final class SimFigure8Play {
    private static final long MS = SimShape.MS;
    private final SimCluster cluster;
    private int l1 = -1;
    private int f = -1;
    private int side;
    private int l2 = -1;
    /** After act (b): L2, waiting for the next other leader (act c); -1 otherwise. */
    private int awaitL3 = -1;
    /** When act (d) heals L2's isolation at the latest: no new play before. */
    private long actDEnd;

    SimFigure8Play(SimCluster cluster) {
        this.cluster = cluster;
    }

    /** Act (a), unless a play is under way or nobody leads. */
    void start(long electionNanos) {
        SimWorld world = cluster.world();
        if (l1 >= 0 || awaitL3 >= 0 || world.now() < actDEnd) return;
        int l = cluster.leader();
        if (l < 0) return;
        int n = cluster.size();
        l1 = l;
        f = (l + 1 + world.random.nextInt(n - 1)) % n;
        side = (1 << l) | (1 << f);
        cluster.partition(side);
        cluster.note("figure 8 (a): partition " + cluster.describe(side) + ", leader " + cluster.id(l) + " keeps one follower and takes a write");
        cluster.writeThrough(l);
        // If the other side elects nobody within three election timeouts, the play ends with act (b)'s crash.
        world.at(world.now() + 3 * electionNanos, null, () -> {
            if (l1 == l && l2 < 0) crashL1(electionNanos);
        });
    }

    /** A member was elected; {@return whether the play took it (acts b and c)} */
    boolean newLeader(int i) {
        if (cluster.healed()) return false;
        SimWorld world = cluster.world();
        long electionNanos = cluster.shape().electionNanos();
        if (l1 >= 0 && l2 < 0 && ((side >> i) & 1) == 0) {
            l2 = i;
            cluster.cutOffWithInFlight(i); // its first appends left with the election: lost too
            cluster.note("figure 8 (b): isolate " + cluster.id(i) + ", the other side's new leader");
            world.at(world.now() + 1 + world.random.nextInt(20) * MS, null, () -> crashL1OnceFHoldsTheWrite(electionNanos, 0));
            return true;
        }
        if (awaitL3 >= 0 && i != awaitL3) {
            int isolated = awaitL3;
            awaitL3 = -1;
            actDEnd = world.now() + 310 * MS;
            Runnable actD = () -> {
                if (cluster.healed()) return;
                cluster.healPartitions();
                cluster.note("figure 8 (d): heal " + cluster.id(isolated) + "'s isolation");
            };
            crashAtFirstCommit(i, cluster.server(i).status().commitIndex(), 0, actD);
            world.at(actDEnd, null, actD);
            return true;
        }
        return false;
    }

    /** Act (b)'s end once F holds an entry beyond every log of the other side but L2's (checked every ms, for up to 300 ms). */
    private void crashL1OnceFHoldsTheWrite(long electionNanos, int checks) {
        if (cluster.healed() || l1 < 0) return;
        long others = 0;
        for (int j = 0; j < cluster.size(); j++) {
            RaftServer s = cluster.server(j);
            if (((side >> j) & 1) == 0 && j != l2 && s != null) others = Math.max(others, s.status().lastLogIndex());
        }
        RaftServer follower = cluster.server(f);
        if (checks >= 300 || (follower != null && follower.status().lastLogIndex() > others)) {
            crashL1(electionNanos);
        } else {
            cluster.world().at(cluster.world().now() + MS, null, () -> crashL1OnceFHoldsTheWrite(electionNanos, checks + 1));
        }
    }

    /** L1 crashes and the partition heals, L2 stays cut off; the next other leader plays act (c). */
    private void crashL1(long electionNanos) {
        if (cluster.healed()) return;
        int isolated = l2;
        cluster.crashMember(l1);
        cluster.healPartitions();
        if (isolated >= 0) cluster.cutOffWithInFlight(isolated);
        cluster.note("figure 8: crash " + cluster.id(l1) + ", heal the partition"
                + (isolated >= 0 ? " but " + cluster.id(isolated) + "'s isolation" : ""));
        l1 = -1;
        l2 = -1;
        awaitL3 = isolated;
        if (isolated < 0) return;
        // Nobody else elected within five election timeouts: the play ends.
        cluster.world().at(cluster.world().now() + 5 * electionNanos, null, () -> {
            if (cluster.healed() || awaitL3 != isolated) return;
            awaitL3 = -1;
            cluster.healPartitions();
            cluster.note("figure 8: heal " + cluster.id(isolated) + "'s isolation");
        });
    }

    /** Act (c): crashes L3 the moment its commit index moves past {@code from} (checked every ms, for up to 300 ms), then act (d). */
    private void crashAtFirstCommit(int i, long from, int checks, Runnable then) {
        RaftServer s = cluster.server(i);
        if (cluster.healed() || s == null || checks > 300) return;
        if (s.status().commitIndex() > from) {
            cluster.note("figure 8 (c): crash " + cluster.id(i) + " right after its first commit, losing what it has on the wire");
            cluster.cutOffWithInFlight(i);
            cluster.crashMember(i);
            then.run();
            return;
        }
        cluster.world().at(cluster.world().now() + MS, null, () -> crashAtFirstCommit(i, from, checks + 1, then));
    }
}
