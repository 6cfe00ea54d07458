package dev.floe.raft.testkit;

import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.SnapshotOptions;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The shape of one simulated run, drawn from its seed: cluster size (one voter with learners, one
 * voter that grows, three or five voters, with spare processes for membership changes), the
 * server options (PreVote, CheckQuorum, lease reads, tiny messages so replication splits), how
 * often snapshots are taken and how they are streamed, the disk's and network's speed, and the
 * fault rate. Times are simulated nanoseconds.
 */
record SimShape(long seed, int voters, int learners, int spares, RaftServerOptions options, SnapshotOptions snapshots,
                long faultNanos, long healNanos, int clients, double writeShare, long meanFaultGapNanos,
                double dropRate, double duplicateRate, double longDelayRate, long maxDelayNanos,
                int maxDiskNanos, int onlyFault) {
    /** {@link #onlyFault} when every kind of fault is drawn. */
    static final int ALL_FAULTS = -1;
    /** The fault kind "a leader frozen and cut off from its peers, then asked for a read". */
    static final int FROZEN_LEADER = 9;
    /** The fault kind "a leader cut off from its peers (not paused), then asked for a read" (not drawn at random). */
    static final int CUT_OFF_LEADER = 11;
    /** The fault mix "crashes that lose the hard state, with partitions and isolated new leaders". */
    static final int LOST_HARD_STATE = 14;
    /** The fault mix of {@link #LOST_HARD_STATE}, whose crashes damage the disk instead: a lost synced tail, or an old copy. */
    static final int DAMAGED_DISK = 16;
    /** The fault kind "a leader cut off from its peers while leases are on, asked for lease reads after the next leader took a write" (drawn only with lease reads). */
    static final int DEPOSED_LEADER = 15;
    /** The fault mix "leaders that reach only a minority, then crash; new leaders that fail right after their election" (Figure 8). */
    static final int FIGURE_8 = 17;
    /** The fault mix "a voter that two halves can reach crashes while saving a vote; the leader crashes" (Figure 2, a vote durable before it is answered). */
    static final int SPLIT_VOTE = 18;
    /** The fault mix of {@link SimForgottenTermPlay}: a member that voted in a new term loses its hard state while the old leader still leads. */
    static final int FORGOTTEN_TERM = 19;
    /** The fault mix "deposed leaders with lease reads" ({@link #DEPOSED_LEADER}) on clocks that drift within the bound leases assume. */
    static final int DRIFTING_LEASES = 20;
    /** With {@link #DRIFTING_LEASES}, each process's clock runs at a rate drawn from 1 ± this (ratio at most 1.1/0.9 ≈ 1.22). */
    static final double CLOCK_DRIFT = 0.1;
    static final long MS = 1_000_000L;
    static final Duration TICK = Duration.ofMillis(10);

    static SimShape of(long seed, long faultMillis) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        int voters;
        int learners = 0;
        int spares = 0;
        switch (r.nextInt(8)) {
            case 0 -> {
                voters = 1; // the usual bootstrap: one voter, with learners
                learners = 1 + r.nextInt(2);
            }
            case 1 -> {
                voters = 1; // one voter that the membership faults grow
                spares = 2;
            }
            case 2, 3 -> voters = 5;
            default -> voters = 3;
        }
        if (voters > 1 && r.nextBoolean()) spares = 2;
        boolean checkQuorum = r.nextInt(4) != 0;
        RaftServerOptions.Builder o = RaftServerOptions.builder()
                .tickInterval(TICK)
                .electionTicks(10, 1)
                .preVote(r.nextInt(4) != 0)
                .checkQuorum(checkQuorum)
                .flowControl(r.nextBoolean() ? 16 << 10 : 1, 8, 1 << 20)
                .requestTimeout(Duration.ofMillis(1_000))
                .shutdownTimeout(Duration.ofMillis(50));
        if (checkQuorum && r.nextBoolean()) o.leaseReads(true, 2);
        boolean tight = r.nextInt(4) == 0;
        if (tight) {
            // Backpressure in play: few uncommitted bytes, a short apply backlog, few pending requests.
            o.maxUncommittedBytes(200).maxApplyBacklog(3).maxPendingRequests(2);
        }
        long every = new long[] {0, 15, 40, 120}[r.nextInt(4)];
        SnapshotOptions snapshots = SnapshotOptions.builder()
                .triggers(every, 0, r.nextInt(6))
                .transfer(r.nextBoolean() ? 64 : 4096, 1 + r.nextInt(4))
                .timers(Duration.ofMillis(50), Duration.ofMillis(2_000)).build();
        boolean storm = r.nextInt(4) == 0;
        int maxDisk = new int[] {200_000, 2_000_000, 2_000_000, 10_000_000}[r.nextInt(4)];
        // A LAN (up to 5 ms) or a slow network (up to 30 ms, a third of an election timeout), on
        // which answers from an older term still arrive after a new one began.
        long maxDelay = (r.nextBoolean() ? 5 : 30) * MS;
        // Quiescence for a quarter of the seeds (drawn last, so the other seeds keep their shape): the
        // clients then pause together now and then, and the hosts' liveness checks call peerSuspected.
        if (r.nextInt(4) == 0) o.quiesce(true, 2 + r.nextInt(9)).preVote(true); // quiescence needs PreVote
        return new SimShape(seed, voters, learners, spares, o.build(), snapshots, faultMillis * MS, 3_000 * MS,
                3, 0.6, (storm ? 60 : 250) * MS, 0.03, storm ? 0.05 : 0.01, storm ? 0.02 : 0.005, maxDelay,
                maxDisk, ALL_FAULTS);
    }

    /**
     * Seeds for the repair of a lost hard state: three voters, no membership change, and a fault
     * about every 150 ms, each a crash that loses the member's hard state (one member at a time),
     * a partition, a cut link or an isolated new leader — the ingredients of a leader deposed in a
     * term that a repairing member forgot.
     */
    SimShape lostHardStates() {
        return mix(3, options, 150 * MS, maxDelayNanos, LOST_HARD_STATE);
    }

    /**
     * Seeds for the repair of a damaged disk: as {@link #lostHardStates()}, but each such crash
     * loses a random suffix of the member's synced log (keeping its term, as a detected damaged tail,
     * or forgetting it too, as an old copy of the directory put back), one member at a time.
     */
    SimShape damagedDisks() {
        return mix(3, options, 150 * MS, maxDelayNanos, DAMAGED_DISK);
    }

    /**
     * Seeds for the commitment rule (Raft paper §5.4.2, Figure 8): five voters, one entry per
     * AppendEntries (so an earlier term's entries and the new leader's first entry travel apart),
     * messages of up to 30 ms, and about every 300 ms {@link SimFigure8Play}'s play, where an entry
     * of an earlier term that a leader replicated to a majority is overwritten by a leader with a
     * later last term unless the commitment rule held.
     */
    SimShape figure8() {
        RaftServerOptions o = options.toBuilder().flowControl(1, 8, 1 << 20).build();
        return mix(5, o, 300 * MS, 30 * MS, FIGURE_8);
    }

    /**
     * Seeds for the durability of votes (Raft paper Figure 2, §5.2: a vote is on stable storage
     * before it is answered): five voters and, about every 400 ms, {@link SimSplitVotePlay}'s play —
     * two pairs that cannot hear each other, one voter that hears both and crashes while saving its
     * next vote, and the leader crashed so that both pairs campaign.
     */
    SimShape splitVotes() {
        return mix(5, options, 400 * MS, maxDelayNanos, SPLIT_VOTE);
    }

    /**
     * Seeds for the repair of a forgotten term ({@code Repair}): three voters without PreVote,
     * CheckQuorum, leases or quiescence (with CheckQuorum a leader cut off from its quorum steps down
     * before the others can elect, which hides the rule), and about every 400 ms
     * {@link SimForgottenTermPlay}'s play.
     */
    SimShape forgottenTerms() {
        RaftServerOptions o = options.toBuilder().preVote(false).checkQuorum(false).leaseReads(false, 2).quiesce(false, 2).build();
        return mix(3, o, 400 * MS, maxDelayNanos, FORGOTTEN_TERM);
    }

    /**
     * Seeds for the lease's expiry (thesis §6.4.1) on drifting clocks: three voters with PreVote,
     * CheckQuorum and lease reads (a 2-tick margin of 10), every process's clock running at a rate
     * drawn from 0.9-1.1 (a fastest-to-slowest ratio of at most 1.22, inside the 10/8 = 1.25 the
     * margin covers), and about every 200 ms a deposed leader: cut off, a write through the next
     * leader, then lease reads from the old one. A slow leader's CheckQuorum deposes it late, fast
     * followers elect early: only the lease's expiry keeps the old leader from answering stale.
     */
    SimShape driftingLeases() {
        RaftServerOptions o = options.toBuilder().preVote(true).checkQuorum(true).leaseReads(true, 2).build();
        return mix(3, o, 200 * MS, maxDelayNanos, DRIFTING_LEASES);
    }

    /**
     * Seeds for one rule: three voters with CheckQuorum and lease reads, and only frozen leaders
     * (paused and cut off, then asked for a lease read), about every 400 ms.
     */
    SimShape frozenLeadersWithLeases() {
        RaftServerOptions o = options.toBuilder().checkQuorum(true).leaseReads(true, 2).build();
        return mix(3, o, 200 * MS, maxDelayNanos, FROZEN_LEADER);
    }

    /**
     * Seeds for quiescence with leases: three voters with CheckQuorum, lease reads and quiescence
     * after 3 idle ticks, and only leaders cut off from their peers (not paused: a quiesced leader
     * counts no ticks, so nothing but the quiescence rules keeps it from its old lease), asked for a
     * lease read one to two election timeouts after the cut, about every 400 ms.
     */
    SimShape quietLeadersCutOffWithLeases() {
        RaftServerOptions o = options.toBuilder().checkQuorum(true).preVote(true).leaseReads(true, 2).quiesce(true, 3).build();
        return mix(3, o, 200 * MS, maxDelayNanos, CUT_OFF_LEADER);
    }

    /** A fault mix for one rule: {@code voters} voters and no others, these options, faults about every {@code meanFaultGapNanos}. */
    private SimShape mix(int voters, RaftServerOptions o, long meanFaultGapNanos, long maxDelayNanos, int onlyFault) {
        return new SimShape(seed, voters, 0, 0, o, snapshots, faultNanos, healNanos, clients, writeShare, meanFaultGapNanos,
                dropRate, duplicateRate, longDelayRate, maxDelayNanos, maxDiskNanos, onlyFault);
    }

    /** {@return the election timeout's minimum in simulated nanoseconds: its ticks times the tick interval} */
    long electionNanos() {
        return options.tickInterval().toNanos() * options.electionTicks();
    }

    int processes() {
        return voters + learners + spares;
    }

    @Override
    public String toString() {
        return voters + " voters + " + learners + " learners + " + spares + " spares, preVote=" + options.preVote()
                + ", checkQuorum=" + options.checkQuorum() + ", leaseReads=" + options.leaseReads()
                + (options.quiesce() ? ", quiesce after " + options.quiesceTicks() + " ticks" : "")
                + ", maxDelay=" + maxDelayNanos / MS + " ms, maxMessageBytes=" + options.maxMessageBytes() + ", maxUncommittedBytes=" + options.maxUncommittedBytes()
                + ", maxApplyBacklog=" + options.maxApplyBacklog() + ", snapshot every " + snapshots.afterEntries()
                + " entries in " + snapshots.chunkBytes() + "-byte chunks, fault gap " + meanFaultGapNanos / MS + " ms";
    }
}
