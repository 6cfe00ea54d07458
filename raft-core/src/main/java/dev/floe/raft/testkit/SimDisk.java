package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.message.Message;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A simulated disk for one node. Writes land at once in the "page cache" ({@link #log()}, what the
 * node reads) and become durable later, in order, one {@link Write} at a time. A crash keeps the
 * durable state plus, at random, a prefix of the writes still in flight (as a real disk may have
 * flushed some of them) and loses the rest.
 */
final class SimDisk {
    /** A batch handed out by one Ready: persist these, then send {@code afterPersist}. */
    record Write(Optional<HardState> hardState, List<Entry> entries, List<Message> afterPersist, long durableAt) {
    }

    private MemoryLogStorage cached = new MemoryLogStorage();
    private final MemoryLogStorage durable = new MemoryLogStorage();
    private HardState durableHardState = HardState.INITIAL;
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

    /** Queues a write that becomes durable at {@code durableAt} (or after the previous one, if later). */
    Write submit(Optional<HardState> hardState, List<Entry> entries, List<Message> afterPersist, long durableAt) {
        long at = inFlight.isEmpty() ? durableAt : Math.max(durableAt, inFlight.peekLast().durableAt());
        if (!entries.isEmpty()) cached.append(entries);
        Write w = new Write(hardState, entries, afterPersist, at);
        inFlight.addLast(w);
        return w;
    }

    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    Optional<Write> peek() {
        return Optional.ofNullable(inFlight.peekFirst());
    }

    /** Makes the oldest write durable and returns it. */
    Write completeOldest() {
        Write w = inFlight.removeFirst();
        makeDurable(w);
        return w;
    }

    private void makeDurable(Write w) {
        w.hardState().ifPresent(hs -> durableHardState = hs);
        if (!w.entries().isEmpty()) durable.append(w.entries());
    }

    /**
     * The process dies: writes not yet durable are lost, except a random prefix of them that made
     * it to disk anyway (never acknowledged, so harmless to Raft). The cache is rebuilt from disk.
     */
    void crash(RandomGenerator random) {
        while (!inFlight.isEmpty() && random.nextInt(3) == 0) {
            makeDurable(inFlight.removeFirst());
        }
        inFlight.clear();
        long first = durable.firstIndex();
        cached = new MemoryLogStorage(first - 1, durable.term(first - 1),
                durable.entries(first, durable.lastIndex() + 1, Long.MAX_VALUE));
    }
}
