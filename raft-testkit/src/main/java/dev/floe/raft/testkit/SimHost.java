package dev.floe.raft.testkit;

import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One simulated machine running a {@link RaftHost}: its disks (one {@link SimDisk} per group, which
 * outlive its processes, as a {@code FileGroupStorage} directory does) and its current incarnation
 * (process, transport, host), gone while it is down.
 */
final class SimHost {
    final int index;
    final NodeId id;
    private final SimWorld world;
    private final int maxDiskNanos;
    /** How many of each group's newest entries this host's page cache holds (older ones are read from the disk). */
    private final int cacheEntries;
    private final Map<GroupId, SimDisk> disks = new LinkedHashMap<>();
    /** The current incarnation's process (the crashed one while down, until the restart). */
    SimProcess process;
    /** The running host, or null while down. */
    RaftHost host;

    SimHost(SimWorld world, int index, NodeId id, int maxDiskNanos, int cacheEntries) {
        this.world = world;
        this.index = index;
        this.id = id;
        this.maxDiskNanos = maxDiskNanos;
        this.cacheEntries = cacheEntries;
    }

    SimDisk disk(GroupId group) {
        return disks.computeIfAbsent(group, g -> new SimDisk(world, maxDiskNanos, cacheEntries));
    }

    /** The {@link GroupStorage} of the incarnation {@code owner}: each group's stores on its own simulated disk. */
    GroupStorage storageFor(SimProcess owner) {
        return group -> {
            SimDisk d = disk(group);
            return new GroupStorage.Stores(d.logFor(owner), d.hardStateStoreFor(owner), Optional.of(d.snapshotStoreFor(owner)),
                    Optional.empty());
        };
    }

    boolean up() {
        return host != null;
    }

    boolean running() {
        return host != null && !process.paused();
    }

    /** The machine lost power: the process is gone, and every group's disk loses what was not yet durable. */
    void crash(SplittableRandom random) {
        process.crash();
        host = null;
        for (SimDisk d : disks.values()) d.crash(random);
    }

    boolean hasWritesInFlight() {
        for (SimDisk d : disks.values()) if (d.hasInFlight()) return true;
        return false;
    }
}
