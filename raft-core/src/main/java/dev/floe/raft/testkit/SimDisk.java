package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.message.Message;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A simulated disk for one node. Writes land at once in the "page cache" ({@link #log()}, what the
 * node reads) and become durable later, in order, one {@link Write} at a time. A crash keeps the
 * durable state plus, at random, a prefix of the writes still in flight (as a real disk may have
 * flushed some of them) and loses the rest. Snapshots are stored durably at once (the runtime
 * publishes a snapshot file atomically before anything refers to it).
 */
final class SimDisk {
    /** A batch handed out by one Ready: reset to a snapshot, persist these, then send {@code afterPersist}. */
    record Write(Optional<SnapshotMeta> resetTo, Optional<HardState> hardState, List<Entry> entries,
                 List<Message> afterPersist, long durableAt) {
    }

    /** A stored snapshot (the state it captures is the committed prefix up to its last index). */
    record Snapshot(SnapshotMeta meta) {
    }

    private MemoryLogStorage cached = new MemoryLogStorage();
    private final MemoryLogStorage durable = new MemoryLogStorage();
    private HardState durableHardState = HardState.INITIAL;
    private Optional<Snapshot> snapshot = Optional.empty();
    private final ArrayDeque<Write> inFlight = new ArrayDeque<>();

    /** What the node reads: every write, durable or not. */
    MemoryLogStorage log() {
        return cached;
    }

    HardState durableHardState() {
        return durableHardState;
    }

    /** The durable log, for invariant checks. */
    MemoryLogStorage durableLog() {
        return durable;
    }

    Optional<Snapshot> snapshot() {
        return snapshot;
    }

    /** Stores {@code s} as the newest snapshot, durably, unless a newer one is already stored. */
    void storeSnapshot(Snapshot s) {
        if (snapshot.isEmpty() || snapshot.get().meta().lastIndex() < s.meta().lastIndex()) snapshot = Optional.of(s);
    }

    /** Discards log entries up to {@code index} (covered by the stored snapshot), in cache and on disk. */
    void compact(long index) {
        cached.compact(Math.min(index, cached.lastIndex()));
        if (index <= durable.lastIndex()) durable.compact(index);
    }

    /** Queues a write that becomes durable at {@code durableAt} (or after the previous one, if later). */
    Write submit(Optional<SnapshotMeta> resetTo, Optional<HardState> hardState, List<Entry> entries,
                 List<Message> afterPersist, long durableAt) {
        long at = inFlight.isEmpty() ? durableAt : Math.max(durableAt, inFlight.peekLast().durableAt());
        resetTo.ifPresent(m -> cached.reset(m.lastIndex(), m.lastTerm()));
        if (!entries.isEmpty()) cached.append(entries);
        Write w = new Write(resetTo, hardState, entries, afterPersist, at);
        inFlight.addLast(w);
        return w;
    }

    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /** Makes the oldest write durable and returns it. */
    Write completeOldest() {
        Write w = inFlight.removeFirst();
        makeDurable(w);
        return w;
    }

    private void makeDurable(Write w) {
        w.resetTo().ifPresent(m -> durable.reset(m.lastIndex(), m.lastTerm()));
        w.hardState().ifPresent(hs -> durableHardState = hs);
        if (!w.entries().isEmpty()) durable.append(w.entries());
    }

    /**
     * The process dies: writes not yet durable are lost, except a random prefix of them that made
     * it to disk anyway (never acknowledged, so harmless to Raft). On restart the log is brought in
     * line with the stored snapshot (the runtime's startup rule: a log that does not reach or
     * contain the snapshot's last entry is reset to it), and the cache is rebuilt from disk.
     */
    void crash(RandomGenerator random) {
        while (!inFlight.isEmpty() && random.nextInt(3) == 0) {
            makeDurable(inFlight.removeFirst());
        }
        inFlight.clear();
        snapshot.ifPresent(s -> {
            long i = s.meta().lastIndex();
            boolean contains = i <= durable.lastIndex() && i >= durable.firstIndex() - 1 && durable.term(i) == s.meta().lastTerm();
            if (!contains) durable.reset(i, s.meta().lastTerm());
        });
        long first = durable.firstIndex();
        cached = new MemoryLogStorage(first - 1, durable.term(first - 1),
                durable.entries(first, durable.lastIndex() + 1, Long.MAX_VALUE));
    }
}
