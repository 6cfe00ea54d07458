package dev.floe.raft.testkit;

import dev.floe.raft.server.RaftHostOptions;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The shape of one simulated run of hosts with many groups, drawn from its seed: 3-5 hosts, 4-24
 * groups of three members each placed on the hosts, the groups' server options (PreVote, CheckQuorum,
 * lease reads, tiny messages; quiescence in seven seeds of eight), the hosts' options (ping interval,
 * suspicion threshold, leader balancing), the heartbeat coalescing delay, and the network, disk and
 * fault rates that {@link SimShape} describes for each group.
 *
 * @param base          per group: three voters, the server and snapshot options, the phases, the network and disk
 * @param hosts         how many hosts
 * @param groups        how many groups at the start (more may be created during the run)
 * @param host          the hosts' options (their runtime is the simulator's)
 * @param coalesceNanos how long a heartbeat waits for other groups' heartbeats to the same peer host
 * @param coldShare     the share of groups whose clients stay idle for long stretches
 */
record SimHostShape(SimShape base, int hosts, int groups, RaftHostOptions host, long coalesceNanos, double coldShare) {
    /** {@link SimShape#onlyFault} for "crash the host leading the most groups, while every group is idle". */
    static final int LEADER_HOST_CRASHES = 100;
    /** {@link SimShape#onlyFault} for "move replicas to other hosts, lead from there, then crash the new leader's host". */
    static final int MOVED_LEADER_HOST_CRASHES = 101;

    static SimHostShape of(long seed, long faultMillis) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 41);
        int hosts = 3 + r.nextInt(3);
        int groups = new int[] {4, 8, 12, 24}[r.nextInt(4)];
        boolean checkQuorum = r.nextInt(4) != 0;
        RaftServerOptions.Builder o = RaftServerOptions.builder()
                .tickInterval(SimShape.TICK)
                .electionTicks(10, 1)
                .preVote(true)
                .checkQuorum(checkQuorum)
                .flowControl(r.nextBoolean() ? 16 << 10 : 1, 8, 1 << 20)
                .requestTimeout(Duration.ofMillis(1_000))
                .shutdownTimeout(Duration.ofMillis(50));
        if (checkQuorum && r.nextBoolean()) o.leaseReads(true, 2);
        if (r.nextInt(8) != 0) o.quiesce(true, 2 + r.nextInt(9));
        long every = new long[] {0, 15, 40, 120}[r.nextInt(4)];
        SnapshotOptions snapshots = SnapshotOptions.builder()
                .triggers(every, 0, r.nextInt(6))
                .transfer(r.nextBoolean() ? 64 : 4096, 1 + r.nextInt(4))
                .timers(Duration.ofMillis(50), Duration.ofMillis(2_000)).build();
        boolean storm = r.nextInt(4) == 0;
        int maxDisk = new int[] {200_000, 2_000_000, 2_000_000, 10_000_000}[r.nextInt(4)];
        long maxDelay = (r.nextBoolean() ? 5 : 30) * SimShape.MS;
        // The host's failure detector against the groups' election timeout (100-200 ms): pings every
        // 20-50 ms, a silent host suspected after 100-250 ms; leaders balanced every 0.5 s in half the seeds.
        long ping = 20 + r.nextInt(31);
        RaftHostOptions host = RaftHostOptions.builder()
                .liveness(Duration.ofMillis(ping), Duration.ofMillis(Math.max(ping + 10, 100 + r.nextInt(151))))
                .balanceInterval(r.nextBoolean() ? Duration.ofMillis(500) : Duration.ZERO)
                .build();
        long coalesce = r.nextInt(4) == 0 ? 0 : (1 + r.nextInt(3)) * SimShape.MS;
        SimShape base = new SimShape(seed, 3, 0, 0, o.build(), snapshots, faultMillis * SimShape.MS, 3_000 * SimShape.MS,
                1, 0.6, (storm ? 80 : 200) * SimShape.MS, 0.03, storm ? 0.05 : 0.01, storm ? 0.02 : 0.005, maxDelay, maxDisk,
                SimShape.ALL_FAULTS);
        return new SimHostShape(base, hosts, groups, host, coalesce, 0.5);
    }

    /**
     * Seeds for one rule: a quiesced group wakes when its host suspects the host of its leader.
     * Quiescence after 3 idle ticks, no client traffic during the faults (so nothing else wakes a
     * group), no long network stalls, and one fault about every 400 ms: the host leading the most
     * groups crashes (while every host is up) and stays down until the groups it led must have
     * elected new leaders.
     */
    SimHostShape idleGroupsLosingTheirLeaderHost() {
        RaftServerOptions o = base.options().toBuilder().quiesce(true, 3).build();
        SimShape quiet = new SimShape(base.seed(), 3, 0, 0, o, base.snapshots(), base.faultNanos(), base.healNanos(), 0,
                base.writeShare(), 400 * SimShape.MS, base.dropRate(), base.duplicateRate(), 0, base.maxDelayNanos(),
                base.maxDiskNanos(), LEADER_HOST_CRASHES);
        return new SimHostShape(quiet, hosts, groups, host, coalesceNanos, 1.0);
    }

    /**
     * Seeds for the same rule after replicas moved: five hosts, four groups (so some pairs of hosts
     * share no group at the start), replicas moved to hosts that never ran their group, leadership
     * handed to the moved replica, and then that host (or the one leading the most groups) crashes
     * while every group is idle.
     */
    SimHostShape idleGroupsMovedThenLosingTheirLeaderHost() {
        SimHostShape idle = idleGroupsLosingTheirLeaderHost();
        SimShape b = idle.base;
        SimShape moved = new SimShape(b.seed(), 3, 0, 0, b.options(), b.snapshots(), b.faultNanos(), b.healNanos(), 0,
                b.writeShare(), 250 * SimShape.MS, b.dropRate(), b.duplicateRate(), 0, b.maxDelayNanos(), b.maxDiskNanos(),
                MOVED_LEADER_HOST_CRASHES);
        return new SimHostShape(moved, 5, 4, host, coalesceNanos, 1.0);
    }

    /**
     * The same with six hosts and two groups: a replica moved to a host that shares no other group
     * with the group's remaining members, which then leads from there and crashes.
     */
    SimHostShape idleGroupsMovedToStrangers() {
        SimHostShape moved = idleGroupsMovedThenLosingTheirLeaderHost();
        return new SimHostShape(moved.base, 6, 2, host, coalesceNanos, 1.0);
    }

    @Override
    public String toString() {
        return hosts + " hosts, " + groups + " groups of 3, ping " + host.pingInterval().toMillis() + " ms, suspect after "
                + host.suspectAfter().toMillis() + " ms, " + (host.balanceInterval().isZero() ? "no periodic balancing" : "balancing every "
                + host.balanceInterval().toMillis() + " ms") + ", heartbeat coalescing " + coalesceNanos / SimShape.MS + " ms; per group: "
                + base;
    }
}
