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
 * <p>Called from the consensus thread only, but possibly while another thread appends (see
 * {@link LogStorage}): implementations must be safe for that.
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
}
