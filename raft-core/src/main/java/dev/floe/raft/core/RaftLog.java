package dev.floe.raft.core;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's view of the Raft log: a durable part read through {@link LogReader} and an unstable
 * tail of entries this node has accepted but that the caller has not yet reported durable.
 *
 * <pre>
 *   durable (LogReader)         [firstIndex ............ stableLast]
 *   unstable (in memory)                      [unstableOffset ........ lastIndex]
 * </pre>
 *
 * The unstable tail may start at or below {@code stableLast}: a leader overwrote a conflicting
 * suffix (Raft paper §5.3) and the overwrite is not yet durable; the unstable entries shadow the
 * durable ones from {@code unstableOffset} on.
 *
 * <p>The core never waits for the disk. Durable entries come from the reader's memory
 * ({@link LogReader#cachedEntries}) or from chunks the caller read for us; when neither holds them,
 * the log queues a {@link LogRead} (handed out in the next Ready) and the caller (a replication send,
 * or applying) tries again once {@link #entriesRead} brought them. Compaction is decided here
 * ({@link #compactTo}) and carried out by the caller later: from the decision on, the core never
 * asks for an entry the caller is deleting.
 */
final class RaftLog {
    /** Told when entries are replaced or configuration entries appear, so membership can follow the log. */
    interface Listener {
        /** Entries from {@code index} on were deleted (a conflicting suffix). */
        void truncatedFrom(long index);

        /** A CONFIG entry was appended. */
        void configAppended(Entry entry);
    }

    private static final Listener IGNORE = new Listener() {
        @Override
        public void truncatedFrom(long index) {
        }

        @Override
        public void configAppended(Entry entry) {
        }
    };

    private final LogReader durable;
    private Listener listener = IGNORE;
    /** Last index reported durable (and consistent with our log up to unstableOffset - 1). */
    private long stableLast;
    /** Entries not yet reported durable; consecutive from unstableOffset. */
    private final ArrayList<Entry> unstable = new ArrayList<>();
    /** Invariant: firstIndex <= unstableOffset <= stableLast + 1 (ensures no hole between the two parts). */
    private long unstableOffset;
    /** Last unstable index handed to the caller for persisting; unstableOffset - 1 when none. */
    private long persistHandedOut;
    /**
     * Highest index known committed (Raft paper Figure 2, commitIndex). Monotonic; never above
     * lastIndex. Not persisted: a restarted node learns it again from the leader.
     */
    private long committed;
    /** Highest index handed out for applying; applying <= committed and applying <= durable index. */
    private long applying;
    /**
     * A snapshot installed from the leader (paper §7) that the durable log may not reflect yet (the
     * caller resets it after this Ready); 0 when none. Everything up to it is covered by the snapshot.
     */
    private long installedIndex;
    private long installedTerm;
    /** Committed entries are handed out for applying only up to here (the caller's apply window). */
    private long applyLimit = Long.MAX_VALUE;
    /** Entries before this index are compacted for the core (paper §7), whether or not the caller deleted them yet. */
    private long compactedBefore;
    /**
     * Chunks of durable entries the caller read for us ({@link #entriesRead}), by first index; at
     * most {@link #MAX_CHUNKS}, the oldest read going first (never the one just read, which someone waits for).
     */
    private final TreeMap<Long, List<Entry>> chunks = new TreeMap<>();
    private final ArrayDeque<Long> chunksByAge = new ArrayDeque<>();
    private static final int MAX_CHUNKS = 4;
    /** Reads queued for the next Ready. */
    private final ArrayList<LogRead> readsToIssue = new ArrayList<>();
    /** First indexes of reads handed out and not answered yet, so a range is read once however many ask. */
    private final HashSet<Long> reading = new HashSet<>();
    /** Applying waits for a read of its next entries: until it arrives, nothing is handed out for applying. */
    private boolean applyWaitsForRead;
    /**
     * Bumped whenever durable entries are replaced (an overwritten suffix, an installed snapshot): a
     * read asked for before that may hold entries that are no longer ours, and is dropped.
     */
    private long readEpoch;

    RaftLog(LogReader durable, long appliedIndex) {
        this.durable = durable;
        this.stableLast = durable.lastIndex();
        this.unstableOffset = stableLast + 1;
        this.persistHandedOut = stableLast;
        long snapshotIndex = durable.firstIndex() - 1;
        // Entries up to the snapshot or the caller's applied index are committed by definition.
        this.committed = Math.max(snapshotIndex, Math.min(appliedIndex, stableLast));
        this.applying = committed;
    }

    void listener(Listener newListener) {
        this.listener = newListener;
    }

    long firstIndex() {
        return Math.max(Math.max(durable.firstIndex(), installedIndex + 1), compactedBefore);
    }

    /** The index the latest snapshot covers (0 when the log was never compacted). */
    long snapshotIndex() {
        return firstIndex() - 1;
    }

    long lastIndex() {
        return unstable.isEmpty() ? stableLast : unstableOffset + unstable.size() - 1;
    }

    long lastTerm() {
        return term(lastIndex());
    }

    long committed() {
        return committed;
    }

    long applying() {
        return applying;
    }

    /** The highest index that is durable and part of our current log. */
    long durableIndex() {
        return unstable.isEmpty() ? stableLast : Math.min(stableLast, unstableOffset - 1);
    }

    /**
     * The term of the entry at {@code index}; 0 for index 0 or beyond the last index.
     *
     * @throws CompactedException when the entry is before the snapshot
     */
    long term(long index) {
        if (index > lastIndex() || index == 0) return 0;
        if (index >= unstableOffset) return unstable.get((int) (index - unstableOffset)).term();
        if (index < snapshotIndex()) throw new CompactedException(index);
        if (index == installedIndex) return installedTerm;
        return durable.term(index);
    }

    /** Whether our log holds an entry at {@code index} with {@code term} (index 0 matches term 0). */
    boolean matchTerm(long index, long term) {
        if (index > lastIndex()) return false;
        if (index < snapshotIndex()) return false;
        return term(index) == term;
    }

    /**
     * Raft paper §5.4.1, the election restriction: a candidate's log is at least as up to date as
     * ours if its last term is higher, or equal with a last index at least ours.
     */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /** The leader's own append: {@code entry.index()} must be lastIndex + 1. */
    void appendAsLeader(Entry entry) {
        if (entry.index() != lastIndex() + 1) {
            throw new IllegalStateException("leader append at " + entry.index() + " but last index is " + lastIndex());
        }
        if (unstable.isEmpty()) unstableOffset = entry.index();
        unstable.add(entry);
        if (entry.type() == dev.floe.raft.EntryType.CONFIG) listener.configAppended(entry);
    }

    /**
     * The follower side of AppendEntries (Raft paper Figure 2, receiver rules 2-5): if our log
     * matches at (prevIndex, prevTerm), deletes any conflicting suffix, appends the missing
     * entries, and returns the index of the last entry the request covered; otherwise -1.
     */
    long maybeAppend(long prevIndex, long prevTerm, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) return -1;
        long lastNew = prevIndex + entries.size();
        // Rule 3: find the first entry that is missing or conflicts (same index, other term).
        int firstNew = entries.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.index() < firstIndex()) continue; // covered by our snapshot, hence committed and equal
            if (!matchTerm(e.index(), e.term())) {
                firstNew = i;
                break;
            }
        }
        if (firstNew < entries.size()) {
            long conflictAt = entries.get(firstNew).index();
            if (conflictAt <= committed) {
                // Log Matching + Leader Completeness make this impossible; continuing would lose a committed entry.
                throw new IllegalStateException("entry " + conflictAt + " conflicts with committed index " + committed);
            }
            replaceFrom(entries.subList(firstNew, entries.size()));
        }
        return lastNew;
    }

    /** Replaces everything from the first given entry's index on (the conflicting suffix) with {@code entries}. */
    private void replaceFrom(List<Entry> entries) {
        long first = entries.get(0).index();
        if (first <= lastIndex()) listener.truncatedFrom(first);
        if (first <= stableLast) forgetReads(); // durable entries from `first` on are no longer ours
        if (first == lastIndex() + 1) {
            if (unstable.isEmpty()) unstableOffset = first;
        } else if (first <= unstableOffset) {
            // The overwrite reaches into the durable part (or replaces the whole unstable tail).
            unstable.clear();
            unstableOffset = first;
        } else {
            unstable.subList((int) (first - unstableOffset), unstable.size()).clear();
        }
        unstable.addAll(entries);
        persistHandedOut = Math.min(persistHandedOut, first - 1);
        for (Entry e : entries) {
            if (e.type() == dev.floe.raft.EntryType.CONFIG) listener.configAppended(e);
        }
    }

    /** Entries the caller has not yet been asked to persist; marks them handed out. */
    List<Entry> takeEntriesToPersist() {
        long last = lastIndex();
        if (persistHandedOut >= last) return List.of();
        int from = (int) (Math.max(persistHandedOut + 1, unstableOffset) - unstableOffset);
        List<Entry> out = List.copyOf(unstable.subList(from, unstable.size()));
        persistHandedOut = last;
        return out;
    }

    boolean hasEntriesToPersist() {
        return persistHandedOut < lastIndex();
    }

    /**
     * The caller reports entries up to {@code index} durable, written when that entry had
     * {@code term}. An acknowledgement whose (index, term) no longer matches the unstable tail is
     * stale: the entries it covered were overwritten since (the 'ABA' truncation race), so it must
     * not count. Returns whether the durable index advanced.
     */
    boolean persisted(long index, long term) {
        if (unstable.isEmpty() || index < unstableOffset || index > persistHandedOut) return false;
        if (unstable.get((int) (index - unstableOffset)).term() != term) return false;
        unstable.subList(0, (int) (index - unstableOffset + 1)).clear();
        unstableOffset = index + 1;
        stableLast = index;
        return true;
    }

    /**
     * Replaces the whole log with a snapshot ending at ({@code index}, {@code term}) (paper §7,
     * InstallSnapshot receiver rules 6-8): nothing before it is kept, nothing after it survives
     * (the caller only installs snapshots that conflict with or extend past our log).
     */
    void restore(long index, long term) {
        forgetReads();
        unstable.clear();
        unstableOffset = index + 1;
        stableLast = index;
        persistHandedOut = index;
        installedIndex = index;
        installedTerm = term;
        committed = Math.max(committed, index);
        applying = index;
    }

    /** Raises the commit index to {@code index} (never lowers it, never past the last entry). */
    void commitTo(long index) {
        if (index <= committed) return;
        if (index > lastIndex()) {
            throw new IllegalStateException("commit " + index + " beyond last index " + lastIndex());
        }
        committed = index;
    }

    /** Bounds the entries handed out for applying to those at or below {@code index}. */
    void limitApply(long index) {
        applyLimit = index;
    }

    /** Whether committed entries are durable here and not yet handed out for applying (nor waiting for a read). */
    boolean hasEntriesToApply() {
        return !applyWaitsForRead && applying < Math.min(Math.min(committed, durableIndex()), applyLimit);
    }

    /**
     * Committed, locally durable entries not yet handed out for applying, up to {@code maxBytes}; none
     * while they are not in memory, in which case a read of them is queued and applying waits for it.
     */
    List<Entry> takeEntriesToApply(long maxBytes) {
        long to = Math.min(Math.min(committed, durableIndex()), applyLimit);
        if (applyWaitsForRead || applying >= to) return List.of();
        List<Entry> out = durableAtHand(applying + 1, to + 1, maxBytes);
        if (out.isEmpty()) {
            applyWaitsForRead = true;
            requestRead(applying + 1, to + 1, maxBytes);
            return List.of();
        }
        applying = out.get(out.size() - 1).index();
        return out;
    }

    /**
     * Entries {@code [from, to)} for replication, up to {@code maxBytes} (at least one when the range
     * is non-empty), from memory: the unstable tail, chunks read for us, the reader's cache. Null when
     * the first of them is durable and in none of those: a read of them is queued, and the caller
     * tries again once {@link #entriesRead} brought it.
     */
    List<Entry> slice(long from, long to, long maxBytes) {
        if (from >= to) return List.of();
        if (from < firstIndex()) throw new CompactedException(from);
        ArrayList<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (from < unstableOffset) {
            long stableTo = Math.min(to, unstableOffset);
            List<Entry> stable = durableAtHand(from, stableTo, maxBytes);
            if (stable.isEmpty()) {
                requestRead(from, stableTo, maxBytes);
                return null;
            }
            out.addAll(stable);
            for (Entry e : stable) bytes += e.sizeBytes();
            if (out.size() < stableTo - from) return out; // byte limit reached, or the rest is not in memory
        }
        for (long i = Math.max(from, unstableOffset); i < to; i++) {
            Entry e = unstable.get((int) (i - unstableOffset));
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) break;
            out.add(e);
        }
        return out;
    }

    /** Entries {@code [from, to)} read from the durable log, blocking: only while the node is being created. */
    List<Entry> readAtStart(long from, long to, long maxBytes) {
        return durable.entries(from, to, maxBytes);
    }

    /** Durable entries from {@code from} on that are in memory: a chunk read for us, else the reader's cache. */
    private List<Entry> durableAtHand(long from, long to, long maxBytes) {
        Map.Entry<Long, List<Entry>> chunk = chunks.isEmpty() ? null : chunks.floorEntry(from);
        if (chunk != null && from < chunk.getKey() + chunk.getValue().size()) {
            List<Entry> entries = chunk.getValue();
            int start = (int) (from - chunk.getKey());
            int end = (int) Math.min(entries.size(), to - chunk.getKey());
            int stop = start;
            long bytes = 0;
            while (stop < end) {
                bytes += entries.get(stop).sizeBytes();
                if (stop > start && bytes > maxBytes) break;
                stop++;
            }
            return entries.subList(start, stop);
        }
        return durable.cachedEntries(from, to, maxBytes);
    }

    private void requestRead(long from, long to, long maxBytes) {
        if (reading.add(from)) readsToIssue.add(new LogRead(from, to, maxBytes, readEpoch));
    }

    /** Whether reads wait to be handed out. */
    boolean hasReadsToIssue() {
        return !readsToIssue.isEmpty();
    }

    /** The reads to hand out in this Ready. */
    List<LogRead> takeReadsToIssue() {
        if (readsToIssue.isEmpty()) return List.of();
        List<LogRead> out = List.copyOf(readsToIssue);
        readsToIssue.clear();
        return out;
    }

    /**
     * The caller read {@code entries} for {@code read} (none if they were compacted meanwhile).
     * Returns whether the result counts: one for an older {@link LogRead#epoch} is dropped, since
     * the entries it covered may have been replaced since.
     */
    boolean entriesRead(LogRead read, List<Entry> entries) {
        if (read.epoch() != readEpoch) return false;
        reading.remove(read.from());
        applyWaitsForRead = false; // applying looks again, and asks again if this was not what it needs
        if (!entries.isEmpty() && entries.get(0).index() == read.from() && read.from() >= firstIndex()) {
            if (chunks.put(read.from(), List.copyOf(entries)) == null) chunksByAge.addLast(read.from());
            dropChunksBefore(firstIndex());
            while (chunks.size() > MAX_CHUNKS) chunks.remove(chunksByAge.pollFirst());
        }
        return true;
    }

    /** Durable entries were replaced: reads in flight and chunks held may no longer be ours. */
    private void forgetReads() {
        readEpoch++;
        chunks.clear();
        chunksByAge.clear();
        reading.clear();
        readsToIssue.clear();
        applyWaitsForRead = false;
    }

    /**
     * The caller compacts the durable log up to {@code index}, which a snapshot covers (paper §7):
     * from now on entries up to there are gone for the core, which never asks for them again, so the
     * caller may delete them at its own pace, off the consensus thread. Only applied entries go
     * (hence committed and durable). Returns whether there is anything to compact.
     */
    boolean compactTo(long index) {
        if (index < firstIndex() || index > applying || index > durableIndex()) return false;
        compactedBefore = index + 1;
        dropChunksBefore(compactedBefore);
        return true;
    }

    /** Drops the chunks that end before {@code first}: compacted. */
    private void dropChunksBefore(long first) {
        chunks.entrySet().removeIf(c -> c.getKey() + c.getValue().size() <= first);
        chunksByAge.removeIf(from -> !chunks.containsKey(from));
    }

    /**
     * The first index of the term of the entry at {@code index}, scanning back no further than the
     * snapshot: the follower's half of the conflict hint (Raft paper §5.3).
     */
    long firstIndexOfTerm(long index) {
        long term = term(index);
        long first = index;
        long floor = firstIndex();
        while (first - 1 >= floor && term(first - 1) == term) first--;
        return first;
    }

    /**
     * The last index at or below {@code index} whose term is {@code term}, or -1: the leader's half
     * of the conflict hint. Scans back while terms are at least {@code term}.
     */
    long lastIndexOfTerm(long term, long index) {
        long floor = snapshotIndex();
        for (long i = Math.min(index, lastIndex()); i >= floor && i > 0; i--) {
            long t = term(i);
            if (t == term) return i;
            if (t < term) return -1;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "log[first=" + firstIndex() + " stable=" + stableLast + " unstable=" + unstableOffset + ".." + lastIndex()
                + " commit=" + committed + " applying=" + applying + "]";
    }

    /** Thrown when an entry before the snapshot is needed. */
    static final class CompactedException extends RuntimeException {
        CompactedException(long index) {
            super("index " + index + " is compacted", null, false, false);
        }
    }
}
