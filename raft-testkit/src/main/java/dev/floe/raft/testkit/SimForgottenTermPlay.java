package dev.floe.raft.testkit;

/**
 * A member that lost its hard state learns its term back before it acknowledges a leader
 * ({@code Repair}), as a play with random timing, the faults of the {@link SimShape#FORGOTTEN_TERM}
 * mix (three voters, no PreVote or CheckQuorum); one play at a time.
 *
 * <ol type="a">
 *   <li>The leader L1 is cut off: a member C campaigns in a new term and wins with the vote of
 *       the third member V; L1, which hears of neither (no CheckQuorum), leads on in the old term.</li>
 *   <li>The moment C wins, its links to V fail (with what it had on the wire): V holds the new term
 *       and its vote, but no entry of it.</li>
 *   <li>V crashes and loses its hard state: it restarts repairing, at the last term of its log
 *       (the old one). L1 hears V again and takes a write.</li>
 *   <li>A V that acknowledges L1 before it learned its term back lets L1 commit that write with
 *       it, an entry that C, leader of the newer term, lacks. A correct V asks the members for their
 *       terms first; C cannot answer, L1's term is not enough, so it acknowledges nothing. Every cut
 *       heals after one to three election timeouts.</li>
 * </ol>
 */
final class SimForgottenTermPlay {
    private static final long MS = SimShape.MS;
    private final SimCluster cluster;
    private int l1 = -1;
    private int v = -1;
    private int candidate = -1;
    private long busyUntil;

    SimForgottenTermPlay(SimCluster cluster) {
        this.cluster = cluster;
    }

    void start(long electionNanos) {
        SimWorld world = cluster.world();
        if (world.now() < busyUntil || cluster.size() != 3) return;
        int l = cluster.leader();
        if (l < 0) return;
        l1 = l;
        candidate = (l + 1 + world.random.nextInt(2)) % 3;
        v = 3 - l - candidate;
        cluster.cut(l1, candidate);
        cluster.cut(l1, v);
        cluster.note("forgotten term (a): " + cluster.id(l1) + " is cut off; " + cluster.id(candidate)
                + " campaigns and " + cluster.id(v) + " may vote for it");
        busyUntil = world.now() + 6 * electionNanos;
        world.at(world.now() + 5 * electionNanos, null, () -> {
            if (cluster.healed()) return;
            candidate = -1;
            cluster.healPartitions();
            cluster.note("forgotten term: heal");
        });
    }

    /** {@return whether the play took this new leader (act b)} */
    boolean newLeader(int i) {
        if (cluster.healed() || i != candidate) return false;
        int voter = v;
        int old = l1;
        candidate = -1;
        cluster.cut(i, voter);
        cluster.dropInFlight(i);
        cluster.note("forgotten term (b): " + cluster.id(i) + " won; its links to " + cluster.id(voter) + " fail");
        SimWorld world = cluster.world();
        world.at(world.now() + 1 + world.random.nextInt(20) * MS, null, () -> {
            if (cluster.healed()) return;
            cluster.crashLosingHardState(voter);
            // V hears L1 again (and answers it); C stays out of reach until the heal.
            cluster.healPartitions();
            cluster.cut(i, voter);
            cluster.cut(i, old);
            cluster.note("forgotten term (c): " + cluster.id(voter) + " crashed losing its hard state; "
                    + cluster.id(old) + " takes a write");
            cluster.writeThrough(old);
            long electionNanos = cluster.shape().electionNanos();
            world.at(world.now() + (1 + world.random.nextInt(3)) * electionNanos, null, () -> {
                if (cluster.healed()) return;
                cluster.healPartitions();
                cluster.note("forgotten term (d): heal");
            });
        });
        return true;
    }
}
