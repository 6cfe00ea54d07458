package dev.floe.raft;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable Raft log: the plug a storage engine implements ({@code raft-storage} ships the
 * default, a segmented file log; tests use an in-memory one).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Appends are asynchronous and ordered.</b> {@link #append} returns at once; the entries
 *       are visible to {@link LogReader} reads immediately, and are <em>durable</em> (will survive a
 *       crash of the process or the machine) only when the returned future completes. Futures
 *       complete in the order of the calls; implementations are expected to group-commit, i.e.
 *       write and {@code fsync} many appends together.</li>
 *   <li><b>Truncation is part of append.</b> If the first entry's index is at or below
 *       {@link #lastIndex()}, the entries from that index on are replaced (a leader overwrote a
 *       conflicting suffix, Raft paper §5.3). After a crash the log reopens either as before the
 *       call or with a prefix of the new entries in place: never with old entries after new ones.</li>
 *   <li><b>Terms never decrease along the log</b> (Raft guarantees it); implementations may rely on
 *       it, for example to validate records during recovery.</li>
 *   <li><b>Nothing acknowledged is lost.</b> After a crash the log holds at least every entry whose
 *       append future completed. Entries whose future had not completed may or may not be there
 *       (a torn tail is cut on open).</li>
 *   <li><b>Threads.</b> {@code append} and {@link #reset} are called in Ready order, one call at a
 *       time (from the consensus thread for an append that only extends the log, else from the
 *       persist activity); {@link #compact} from the runtime's compaction activity, concurrently with
 *       them (see {@link #compact}); {@link LogReader#entries} from the runtime's log-reader
 *       activity, concurrently with all of these. Futures may complete on an implementation thread.</li>
 * </ul>
 */
public interface LogStorage extends LogReader, AutoCloseable {

    /**
     * Appends consecutive {@code entries}, replacing any held entries at or after the first one's
     * index. {@code entries.get(0).index()} must be in {@code [firstIndex(), lastIndex() + 1]}.
     *
     * @return a future completed once these entries (and everything appended before) are durable,
     *     or completed exceptionally with an {@link IOException} if they cannot be made durable; after
     *     such a failure the storage refuses further appends
     * @param entries consecutive entries, in index order
     */
    CompletableFuture<Void> append(List<Entry> entries);

    /**
     * Discards entries up to and including {@code index} because a snapshot now covers them
     * (Raft paper §7). {@code term(index)} keeps answering. Entries after {@code index} are kept.
     * Compaction need not be durable before it returns; a crash may bring back discarded entries,
     * which is harmless. It may be called while an {@link #append} or a {@link #reset} runs on
     * another thread: an append is no conflict (compaction stops at the applied index, which no
     * append overwrites), a reset must be serialized with it by the implementation. It does nothing
     * when {@code index} is before {@link #firstIndex()} (a compaction asked for before a reset that
     * ran first).
     *
     * @param index the last index the snapshot covers
     * @throws IOException if the files cannot be removed
     */
    void compact(long index) throws IOException;

    /**
     * Discards the whole log and restarts it after an installed snapshot ending at
     * {@code snapshotIndex} with term {@code snapshotTerm}: afterwards {@code firstIndex()} is
     * {@code snapshotIndex + 1} and {@code lastIndex()} is {@code snapshotIndex}. Durable when it returns.
     *
     * @param snapshotIndex the last index the installed snapshot covers
     * @param snapshotTerm  the term of that entry
     * @throws IOException if the new state cannot be made durable
     */
    void reset(long snapshotIndex, long snapshotTerm) throws IOException;

    /** Releases files and threads; pending appends complete (or fail) first. */
    @Override
    void close() throws IOException;
}
