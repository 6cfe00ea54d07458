package dev.floe.raft;

import java.util.List;

/**
 * Read access to the durable part of the Raft log, as the consensus core sees it.
 *
 * <p>The log holds the entries {@code [firstIndex(), lastIndex()]}; everything before
 * {@code firstIndex()} has been compacted into a snapshot whose last index is
 * {@code firstIndex() - 1}, and {@code term(firstIndex() - 1)} still answers with that snapshot's
 * term (0 for a log that was never compacted and starts at index 1).
 *
 * <p>The consensus thread calls {@link #firstIndex()}, {@link #lastIndex()}, {@link #term(long)} and
 * {@link #cachedEntries}, which must answer from memory: they are on the path of every tick and
 * heartbeat. {@link #entries} may read files and is called from the runtime's log-reader activity
 * (and once at start-up), never from the consensus thread. Any of them may run while another thread
 * appends, compacts or reads (see {@link LogStorage}): implementations must be safe for that.
 */
public interface LogReader {

    /**
     * The first index still held; {@code lastIndex() + 1} when the log is empty. At least 1.
     *
     * @return the first index held
     */
    long firstIndex();

    /** {@return the last index held; {@code firstIndex() - 1} when the log is empty} */
    long lastIndex();

    /**
     * The term of the entry at {@code index}, for {@code firstIndex() - 1 <= index <= lastIndex()}.
     *
     * @throws IndexOutOfBoundsException outside that range
     * @param index an index in that range
     * @return the term of the entry (of the snapshot's last entry, at {@code firstIndex() - 1})
     */
    long term(long index);

    /**
     * Entries {@code [fromIndex, toIndex)}, in order, stopping early once their total
     * {@link Entry#sizeBytes()} would exceed {@code maxBytes}; at least one entry whenever the range
     * is non-empty, however large it is. The returned list is immutable.
     *
     * @throws IndexOutOfBoundsException when the range is not within {@code [firstIndex(), lastIndex() + 1]}
     * @param fromIndex the first index wanted
     * @param toIndex   one past the last index wanted
     * @param maxBytes  a soft limit on the entries' total size
     * @return the entries
     */
    List<Entry> entries(long fromIndex, long toIndex, long maxBytes);

    /**
     * The entries of {@link #entries} that this reader holds in memory, without any I/O: a prefix of
     * {@code [fromIndex, toIndex)} within the same byte limit, possibly shorter than {@code entries}
     * would return, and empty when the entry at {@code fromIndex} is not in memory. The consensus
     * thread calls it for replication and applying; for the rest it asks the runtime's log-reader
     * activity, which calls {@link #entries}, and sends what comes back (etcd's and TiKV's
     * asynchronous log fetch). The default holds nothing in memory, so every read goes that way.
     *
     * @throws IndexOutOfBoundsException when the range is not within {@code [firstIndex(), lastIndex() + 1]}
     * @param fromIndex the first index wanted
     * @param toIndex   one past the last index wanted
     * @param maxBytes  a soft limit on the entries' total size
     * @return the entries from {@code fromIndex} on that are in memory, possibly none; immutable
     */
    default List<Entry> cachedEntries(long fromIndex, long toIndex, long maxBytes) {
        if (fromIndex < firstIndex() || toIndex > lastIndex() + 1 || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("entries [" + fromIndex + ", " + toIndex + ") outside ["
                    + firstIndex() + ", " + (lastIndex() + 1) + ")");
        }
        return List.of();
    }
}
