package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.LogStorage;
import dev.floe.raft.SnapshotStore;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One member's simulated disk, which outlives its processes. Log appends are visible at once (the
 * page cache) and become durable when the simulator completes them, in order, after a random
 * latency; a crash keeps what was durable plus, at random, a prefix of the writes in flight (a real
 * disk may have flushed some of them) and loses the rest. The hard state and snapshots are written
 * synchronously, as their contracts say, and are durable when the call returns.
 */
final class SimDisk {
    private record Write(List<Entry> entries, long epoch, CompletableFuture<Void> done) {
    }

    private final SimWorld world;
    private final int maxLatencyNanos;
    private final MemoryLogStorage durable = new MemoryLogStorage();
    private MemoryLogStorage cached = new MemoryLogStorage();
    private volatile HardState hardState = HardState.INITIAL;
    private final MemorySnapshotStore snapshots = new MemorySnapshotStore();
    private final ArrayDeque<Write> inFlight = new ArrayDeque<>();
    /** Bumped by a reset: writes issued before it no longer land in the durable log. */
    private long epoch;
    private long lastCompletion;

    SimDisk(SimWorld world, int maxLatencyNanos) {
        this.world = world;
        this.maxLatencyNanos = maxLatencyNanos;
    }

    /** The durable log, for invariant checks. */
    MemoryLogStorage durableLog() {
        return durable;
    }

    /** What the running process reads. */
    MemoryLogStorage cachedLog() {
        return cached;
    }

    HardState durableHardState() {
        return hardState;
    }

    MemorySnapshotStore snapshots() {
        return snapshots;
    }

    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /** The log as the process {@code owner} sees it: its appends complete as events of that process. */
    LogStorage logFor(SimProcess owner) {
        return new LogView(owner);
    }

    HardStateStore hardStateStore() {
        return new HardStateStore() {
            @Override
            public HardState load() {
                return hardState;
            }

            @Override
            public void save(HardState state) {
                hardState = state;
            }
        };
    }

    SnapshotStore snapshotStore() {
        return new SnapshotStore() {
            @Override
            public java.util.Optional<Snapshot> latest() {
                return snapshots.latest();
            }

            @Override
            public Writer begin(dev.floe.raft.SnapshotMeta meta) {
                return snapshots.begin(meta);
            }
        };
    }

    /**
     * The process died: writes in flight are lost except a random prefix that reached the disk
     * anyway (never acknowledged, so harmless to Raft); the page cache is rebuilt from the disk.
     */
    void crash(SplittableRandom random) {
        while (!inFlight.isEmpty() && random.nextInt(3) == 0) land(inFlight.removeFirst());
        inFlight.clear();
        long first = durable.firstIndex();
        cached = new MemoryLogStorage(first - 1, durable.term(first - 1),
                durable.entries(first, durable.lastIndex() + 1, Long.MAX_VALUE));
    }

    private void land(Write w) {
        if (w.epoch() == epoch) durable.append(w.entries());
    }

    private final class LogView implements LogStorage {
        private final SimProcess owner;

        LogView(SimProcess owner) {
            this.owner = owner;
        }

        @Override
        public long firstIndex() {
            return cached.firstIndex();
        }

        @Override
        public long lastIndex() {
            return cached.lastIndex();
        }

        @Override
        public long term(long index) {
            return cached.term(index);
        }

        @Override
        public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
            return cached.entries(fromIndex, toIndex, maxBytes);
        }

        @Override
        public CompletableFuture<Void> append(List<Entry> entries) {
            cached.append(entries);
            Write w = new Write(List.copyOf(entries), epoch, new CompletableFuture<>());
            inFlight.addLast(w);
            // In order: a write completes no earlier than the one before it.
            long at = Math.max(lastCompletion, world.now() + 1 + world.random.nextInt(maxLatencyNanos));
            lastCompletion = at;
            owner.run(at - world.now(), () -> {
                if (inFlight.peekFirst() != w) return; // lost in a crash
                inFlight.removeFirst();
                land(w);
                w.done().complete(null);
            });
            return w.done();
        }

        @Override
        public void compact(long index) {
            cached.compact(Math.min(index, cached.lastIndex()));
            if (index >= durable.firstIndex() && index <= durable.lastIndex()) durable.compact(index);
        }

        @Override
        public void reset(long snapshotIndex, long snapshotTerm) {
            epoch++;
            cached.reset(snapshotIndex, snapshotTerm);
            durable.reset(snapshotIndex, snapshotTerm);
        }

        @Override
        public void close() {
        }
    }
}
