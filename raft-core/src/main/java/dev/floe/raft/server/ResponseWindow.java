package dev.floe.raft.server;

import dev.floe.raft.Bytes;

/**
 * One client's kept responses by command sequence, lowest first: what {@link SessionTable} keeps per
 * session. A sorted map with the same answers as a {@code TreeMap<Long, Bytes>} (the table's
 * decisions are replicated state: every replica, of any version, must decide alike), laid out for
 * how it is used: commands are applied almost always in increasing sequence and forgotten from the
 * low end, so both ends cost O(1) in two parallel ring arrays, a lookup is a binary search over
 * them, and only a command that reaches the log after newer ones of its client (a retry after a
 * redirect) shifts the entries above it. On the apply path of every session command, where the tree's
 * node allocation and rebalancing cost more than the state machine's own work did.
 */
final class ResponseWindow {
    private long[] sequences = new long[8];
    private Bytes[] responses = new Bytes[8];
    /** Where the lowest entry is. */
    private int head;
    private int size;

    int size() {
        return size;
    }

    /** {@return the lowest sequence kept} Requires a non-empty window. */
    long firstSequence() {
        if (size == 0) throw new IllegalStateException("no response kept");
        return sequences[head];
    }

    /** {@return the {@code i}-th lowest sequence kept} */
    long sequenceAt(int i) {
        return sequences[slot(i)];
    }

    /** {@return the response of the {@code i}-th lowest sequence kept} */
    Bytes responseAt(int i) {
        return responses[slot(i)];
    }

    /** {@return the response kept for {@code sequence}, or null} */
    Bytes get(long sequence) {
        int i = find(sequence);
        return i >= 0 ? responses[slot(i)] : null;
    }

    /** Keeps {@code response} for {@code sequence}, replacing one kept for it already. */
    void put(long sequence, Bytes response) {
        if (size > 0 && sequences[slot(size - 1)] >= sequence) {
            int found = find(sequence);
            if (found >= 0) {
                responses[slot(found)] = response;
                return;
            }
            insertAt(-found - 1, sequence, response);
            return;
        }
        insertAt(size, sequence, response);
    }

    /** Forgets the lowest entry. Requires a non-empty window. */
    void removeFirst() {
        if (size == 0) throw new IllegalStateException("no response kept");
        responses[head] = null;
        head = (head + 1) & (sequences.length - 1);
        size--;
    }

    /** Forgets every entry below {@code sequence}. */
    void removeBelow(long sequence) {
        while (size > 0 && sequences[head] < sequence) removeFirst();
    }

    private void insertAt(int at, long sequence, Bytes response) {
        if (size == sequences.length) grow();
        for (int j = size; j > at; j--) {
            int to = slot(j);
            int from = slot(j - 1);
            sequences[to] = sequences[from];
            responses[to] = responses[from];
        }
        int s = slot(at);
        sequences[s] = sequence;
        responses[s] = response;
        size++;
    }

    /** Binary search by logical position: the position of {@code sequence}, or -(where it would go) - 1. */
    private int find(long sequence) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long at = sequences[slot(mid)];
            if (at < sequence) {
                lo = mid + 1;
            } else if (at > sequence) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private int slot(int i) {
        return (head + i) & (sequences.length - 1);
    }

    private void grow() {
        long[] s = new long[sequences.length * 2];
        Bytes[] r = new Bytes[responses.length * 2];
        for (int i = 0; i < size; i++) {
            s[i] = sequences[slot(i)];
            r[i] = responses[slot(i)];
        }
        sequences = s;
        responses = r;
        head = 0;
    }
}
