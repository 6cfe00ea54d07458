package dev.floe.raft.testkit;

import dev.floe.raft.core.RaftOptions;
import java.util.SplittableRandom;

/**
 * One simulated run. Time is in simulated milliseconds; every node ticks every {@code tickMillis}.
 *
 * @param seed           everything random derives from it: same seed, same run
 * @param nodes          cluster size (3 or 5 are the interesting ones)
 * @param faultTicks     ticks of the fault phase: faults and client load
 * @param healTicks      ticks after every fault is healed, within which a leader must emerge and
 *                       every pending proposal must finish
 * @param proposals      client commands issued during the fault phase
 * @param clients        concurrent clients, each with one command outstanding at a time
 * @param readers        concurrent readers, each with one linearizable read outstanding at a time
 * @param dropRate       probability that a message is lost
 * @param duplicateRate  probability that a message is delivered twice
 * @param maxDelayMillis messages take 1..max ms (so they reorder)
 * @param maxDiskMillis  a write becomes durable after 1..max ms
 * @param faultEveryTicks mean ticks between injected faults (crash, partition, one-way cut, loss burst)
 * @param longDelayRate  probability that a message is held up much longer (a stalled connection)
 * @param longDelayMillis such messages take up to this long
 * @param snapshotEvery  a node snapshots and compacts its log about every this many applied
 *                       entries (randomized); 0 never
 * @param spares         extra processes outside the initial configuration; when positive, the
 *                       leader is asked now and then to change membership (add learners, promote,
 *                       remove, replace several voters through joint consensus) and to transfer
 *                       leadership
 * @param options        the core's options
 */
public record SimConfig(long seed, int nodes, int faultTicks, int healTicks, int proposals, int clients, int readers,
                        double dropRate, double duplicateRate, int maxDelayMillis, int maxDiskMillis,
                        int faultEveryTicks, double longDelayRate, int longDelayMillis, int snapshotEvery,
                        int spares, RaftOptions options) {
    public static final int TICK_MILLIS = 10;

    /**
     * The standard fault mix used by CI: 2000 ticks of faults, then 300 to heal. The seed also picks
     * the cluster (3 or 5 nodes), the disk speed, the message size limit (down to one entry per
     * AppendRequest, so replication splits) and, for a quarter of the seeds each, PreVote or
     * CheckQuorum off, so the runs cover the paths the defaults avoid; a quarter are storms; and
     * how often nodes snapshot and compact (never, or about every 20, 60 or 200 entries); and for
     * half the seeds, membership changes and leadership transfers with two spare processes; and for
     * half of those with CheckQuorum, lease reads.
     */
    public static SimConfig standard(long seed) {
        SplittableRandom shape = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        int nodes = shape.nextBoolean() ? 3 : 5;
        int maxDisk = new int[] {2, 8, 8, 40}[shape.nextInt(4)];
        long messageBytes = shape.nextBoolean() ? 16 << 10 : 1;
        RaftOptions options = RaftOptions.DEFAULTS.withElectionTicks(10, 2)
                .withFlowControl(messageBytes, 8, 1 << 20)
                .withPreVote(shape.nextInt(4) != 0)
                .withCheckQuorum(shape.nextInt(4) != 0);
        int snapshotEvery = new int[] {0, 20, 60, 200}[shape.nextInt(4)];
        int spares = shape.nextBoolean() ? 2 : 0;
        // A membership change still in flight when faults stop must finish first, and may move
        // leadership (a removed leader steps down): such runs get more time to settle.
        int healTicks = spares > 0 ? 500 : 300;
        boolean storm = shape.nextInt(4) == 0;
        // Half the runs with CheckQuorum serve some reads from the leader's lease (thesis §6.4.1).
        if (options.checkQuorum() && shape.nextBoolean()) options = options.withLeaseReads(true);
        if (storm) {
            // A storm: faults four times as often, more stalled and duplicated messages.
            return new SimConfig(seed, nodes, 2000, healTicks, 250, 3, 2, 0.05, 0.10, 30, maxDisk, 12, 0.05, 400, snapshotEvery, spares, options);
        }
        return new SimConfig(seed, nodes, 2000, healTicks, 250, 3, 2, 0.05, 0.02, 30, maxDisk, 50, 0.01, 400, snapshotEvery, spares, options);
    }

    public SimConfig withNodes(int n) {
        return new SimConfig(seed, n, faultTicks, healTicks, proposals, clients, readers, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, longDelayRate, longDelayMillis, snapshotEvery, spares, options);
    }

    public SimConfig withLength(int faultTicks, int healTicks, int proposals) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, readers, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, longDelayRate, longDelayMillis, snapshotEvery, spares, options);
    }

    public SimConfig withFaults(double dropRate, double duplicateRate, int faultEveryTicks) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, readers, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, longDelayRate, longDelayMillis, snapshotEvery, spares, options);
    }

    public SimConfig withOptions(RaftOptions newOptions) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, readers, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, longDelayRate, longDelayMillis, snapshotEvery, spares, newOptions);
    }
}
