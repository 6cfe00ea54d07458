package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.LogStorage;
import dev.floe.raft.LogReader;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.CRC32C;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One member's simulated disk, which outlives its processes. Log appends are visible at once (the
 * page cache) and become durable when the simulator completes them, in order, after a random
 * latency; a crash keeps what was durable plus, at random, a prefix of the writes in flight (a real
 * disk may have flushed some of them) and loses the rest. The hard state and snapshots are written
 * synchronously, as their contracts say, and are durable when the call returns. Only the newest
 * {@code cacheEntries} entries are in memory ({@code LogReader.cachedEntries}): the runtime reads
 * older ones on its log-reader activity, in simulated time like every activity.
 */
final class SimDisk {
    private record Write(List<Entry> entries, long epoch, CompletableFuture<Void> done) {
    }

    private final SimWorld world;
    private final int maxLatencyNanos;
    private final int cacheEntries;
    private final LogImage durable = new LogImage();
    /** The durable log as it was before the last lost tail (null if none was lost). */
    private LogImage lostTo;
    private LogImage cached = new LogImage();
    private HardState hardState = HardState.INITIAL;
    /** The newest committed snapshot; a commit is atomic and durable (SnapshotStore contract). */
    private Optional<SnapshotStore.Snapshot> snapshot = Optional.empty();
    private final ArrayDeque<Write> inFlight = new ArrayDeque<>();
    /** Bumped by a reset: writes issued before it no longer land in the durable log. */
    private long epoch;
    private long lastCompletion;
    private Runnable crashAtNextWrite;
    /** The armed crash waits for a hard-state save (a new term or vote), not a log append. */
    private boolean crashOnlyAtHardState;
    private Runnable afterNextVote;

    SimDisk(SimWorld world, int maxLatencyNanos, int cacheEntries) {
        this.world = world;
        this.maxLatencyNanos = maxLatencyNanos;
        this.cacheEntries = cacheEntries;
    }

    /** The durable log, for invariant checks. */
    LogReader durableLog() {
        return durable;
    }

    /** What the running process reads. */
    LogReader cachedLog() {
        return cached;
    }

    /** The newest snapshot on this disk. */
    Optional<SnapshotStore.Snapshot> snapshot() {
        return snapshot;
    }

    boolean hasInFlight() {
        return !inFlight.isEmpty();
    }

    /** The log as the process {@code owner} sees it: its appends complete as events of that process. */
    LogStorage logFor(SimProcess owner) {
        return new LogView(owner);
    }

    /** {@return the term of the hard state on this disk (saves are durable at once here)} */
    long durableTerm() {
        return hardState.term();
    }

    HardStateStore hardStateStoreFor(SimProcess owner) {
        return new HardStateStore() {
            @Override
            public HardState load() {
                return hardState;
            }

            @Override
            public void save(HardState state) {
                if (writeRefused(owner, true)) return;
                boolean newVote = state.votedFor().isPresent() && !state.equals(hardState);
                hardState = state;
                if (newVote && afterNextVote != null) {
                    Runnable then = afterNextVote;
                    afterNextVote = null;
                    then.run();
                }
            }
        };
    }

    /**
     * Arms the most adversarial crash: the process dies at its next write (a hard-state save or a
     * log append), which is lost, right after it issued it and before anything of it is durable.
     */
    void crashAtNextWrite(Runnable crash, boolean hardStateOnly) {
        crashAtNextWrite = crash;
        crashOnlyAtHardState = hardStateOnly;
    }

    /**
     * Arms a callback for just after the next hard-state save that records a vote: the moment a
     * member has promised its vote, which a lost hard state makes it forget.
     */
    void afterNextVote(Runnable then) {
        afterNextVote = then;
    }

    /** A dead process writes nothing; an armed crash strikes now. */
    private boolean writeRefused(SimProcess owner) {
        return writeRefused(owner, false);
    }

    private boolean writeRefused(SimProcess owner, boolean hardState) {
        if (owner.crashed()) return true;
        if (crashAtNextWrite == null || (crashOnlyAtHardState && !hardState)) return false;
        Runnable crash = crashAtNextWrite;
        crashAtNextWrite = null;
        crash.run();
        return true;
    }

    SnapshotStore snapshotStoreFor(SimProcess owner) {
        return new SnapshotStore() {
            @Override
            public Optional<Snapshot> latest() {
                return snapshot;
            }

            @Override
            public Writer begin(SnapshotMeta meta) {
                return new Writer() {
                    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
                    private boolean finished;

                    @Override
                    public void write(int b) {
                        check();
                        data.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        check();
                        data.write(b, off, len);
                    }

                    private void check() {
                        if (finished) throw new IllegalStateException("snapshot writer already committed or aborted");
                    }

                    @Override
                    public Snapshot commit() {
                        check();
                        finished = true;
                        if (owner.crashed()) return new Stored(meta, data.toByteArray()); // never reaches the disk
                        Stored s = new Stored(meta, data.toByteArray());
                        // Newest by index: a commit of an older one is durable but not the newest.
                        if (snapshot.isEmpty() || snapshot.get().meta().lastIndex() <= meta.lastIndex()) snapshot = Optional.of(s);
                        return s;
                    }

                    @Override
                    public void abort() {
                        finished = true;
                    }
                };
            }
        };
    }

    private record Stored(SnapshotMeta meta, byte[] data) implements SnapshotStore.Snapshot {
        @Override
        public long sizeBytes() {
            return data.length;
        }

        @Override
        public long checksum() {
            CRC32C crc = new CRC32C();
            crc.update(data);
            return crc.getValue();
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(data);
        }
    }

    /**
     * The process died: writes in flight are lost except a random prefix that reached the disk
     * anyway (never acknowledged, so harmless to Raft); the page cache is rebuilt from the disk.
     */
    void crash(SplittableRandom random) {
        crashAtNextWrite = null;
        afterNextVote = null;
        while (!inFlight.isEmpty() && random.nextInt(3) == 0) land(inFlight.removeFirst());
        inFlight.clear();
        cached = new LogImage(durable);
    }

    /**
     * The hard-state file is gone after this crash (deleted, or lost with a file system that
     * dropped it): on restart the member finds what {@code FileStorage} would find — a log or a
     * snapshot without a hard state — and starts repairing at the highest term they show, with no
     * vote. False (nothing lost) when the disk holds no log and no snapshot: that looks like a new
     * member, as it does on a real disk.
     */
    boolean loseHardState() {
        long logTerm = durable.lastIndex() > 0 ? durable.term(durable.lastIndex()) : 0;
        long snapshotTerm = snapshot.map(s -> s.meta().lastTerm()).orElse(0L);
        if (durable.lastIndex() == 0 && snapshot.isEmpty()) return false;
        hardState = new HardState(Math.max(logTerm, snapshotTerm), Optional.empty(), true);
        return true;
    }

    /**
     * The durable log lost its newest entries — a damaged tail, a disk that lied about fsync, or a
     * copy of an older directory put back — and the member's storage noticed (a checksum, or the
     * operator's repair mark, as {@code FileStorage} with {@code repairDamagedLog} or
     * {@code markForRepair} do): it restarts repairing, with no vote. With {@code forgetTerm} the hard
     * state is the older copy's too (an old directory): the member restarts at the highest term its
     * log or snapshot shows, as after a lost hard state. False when the log holds nothing to lose.
     *
     * @return whether entries were lost
     */
    boolean loseSyncedTail(SplittableRandom random, boolean forgetTerm) {
        long first = durable.firstIndex();
        long last = durable.lastIndex();
        if (last < first) return false;
        lostTo = new LogImage(durable);
        durable.truncateAfter(first - 1 + random.nextLong(last - first + 1));
        cached = new LogImage(durable);
        long logTerm = durable.lastIndex() > 0 ? durable.term(durable.lastIndex()) : 0;
        long snapshotTerm = snapshot.map(s -> s.meta().lastTerm()).orElse(0L);
        long term = forgetTerm ? Math.max(logTerm, snapshotTerm) : Math.max(hardState.term(), Math.max(logTerm, snapshotTerm));
        hardState = new HardState(term, Optional.empty(), true);
        return true;
    }

    /**
     * Whether {@code e} was durable here until the last {@link #loseSyncedTail}: the member may have
     * acknowledged it, and a leader may have counted that toward committing it. The damage, not
     * the protocol, broke that promise (the fault the simulation injects, one member at a time).
     */
    boolean lostToDamage(Entry e) {
        return lostTo != null && e.index() >= lostTo.firstIndex() && e.index() <= lostTo.lastIndex() && lostTo.term(e.index()) == e.term();
    }

    /** Whether the hard state on this disk says its member is repairing. */
    boolean repairing() {
        return hardState.repairing();
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
        public List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
            if (fromIndex <= cached.lastIndex() - cacheEntries) return LogStorage.super.cachedEntries(fromIndex, toIndex, maxBytes);
            return cached.entries(fromIndex, toIndex, maxBytes);
        }

        @Override
        public CompletableFuture<Void> append(List<Entry> entries) {
            if (writeRefused(owner)) return new CompletableFuture<>(); // never completes: the process is gone
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
            if (owner.crashed()) return;
            cached.compact(index);
            durable.compact(index); // not durable by contract; harmless either way
        }

        @Override
        public void reset(long snapshotIndex, long snapshotTerm) {
            if (writeRefused(owner)) return;
            epoch++;
            cached.reset(snapshotIndex, snapshotTerm);
            durable.reset(snapshotIndex, snapshotTerm);
        }

        @Override
        public void close() {
        }
    }
}
