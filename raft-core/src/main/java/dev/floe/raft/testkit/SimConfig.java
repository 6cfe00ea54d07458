package dev.floe.raft.testkit;

import dev.floe.raft.core.RaftOptions;

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
 * @param dropRate       probability that a message is lost
 * @param duplicateRate  probability that a message is delivered twice
 * @param maxDelayMillis messages take 1..max ms (so they reorder)
 * @param maxDiskMillis  a write becomes durable after 1..max ms
 * @param faultEveryTicks mean ticks between injected faults (crash, partition, one-way cut, loss burst)
 * @param options        the core's options
 */
public record SimConfig(long seed, int nodes, int faultTicks, int healTicks, int proposals, int clients,
                        double dropRate, double duplicateRate, int maxDelayMillis, int maxDiskMillis,
                        int faultEveryTicks, RaftOptions options) {
    public static final int TICK_MILLIS = 10;

    /** The standard fault mix used by CI: 3 or 5 nodes (by seed), 2000 ticks of faults, 300 to heal. */
    public static SimConfig standard(long seed) {
        int nodes = (seed & 1) == 0 ? 3 : 5;
        return new SimConfig(seed, nodes, 2000, 300, 200, 3, 0.05, 0.02, 30, 8, 60,
                RaftOptions.DEFAULTS.withElectionTicks(10, 2).withFlowControl(16 << 10, 8, 1 << 20));
    }

    public SimConfig withNodes(int n) {
        return new SimConfig(seed, n, faultTicks, healTicks, proposals, clients, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, options);
    }

    public SimConfig withLength(int faultTicks, int healTicks, int proposals) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, options);
    }

    public SimConfig withFaults(double dropRate, double duplicateRate, int faultEveryTicks) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, options);
    }

    public SimConfig withOptions(RaftOptions newOptions) {
        return new SimConfig(seed, nodes, faultTicks, healTicks, proposals, clients, dropRate, duplicateRate,
                maxDelayMillis, maxDiskMillis, faultEveryTicks, newOptions);
    }
}
