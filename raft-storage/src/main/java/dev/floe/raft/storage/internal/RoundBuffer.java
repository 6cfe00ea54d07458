package dev.floe.raft.storage.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One shared round's journal records, encoded back to back, and where each ends (the journal cuts
 * its writes at record boundaries). Reused from round to round by one shared writer thread; grows
 * to the largest round seen.
 */
final class RoundBuffer {
    private ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private int[] ends = new int[64];
    private int records;

    ByteBuffer buffer() {
        return buffer;
    }

    int[] recordEnds() {
        return ends;
    }

    int records() {
        return records;
    }

    void clear() {
        buffer.clear();
        records = 0;
    }

    /** Makes room for {@code bytes} more bytes at the position. */
    void ensure(int bytes) {
        if (buffer.remaining() >= bytes) return;
        int capacity = Math.max(buffer.capacity() * 2, buffer.position() + bytes);
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }

    /** Skips {@code bytes} bytes (a record's fixed part, filled in later); returns where they start. */
    int reserve(int bytes) {
        ensure(bytes);
        int start = buffer.position();
        buffer.position(start + bytes);
        return start;
    }

    /** A record ends at {@code offset}. */
    void recordEnd(int offset) {
        if (records == ends.length) ends = Arrays.copyOf(ends, records * 2);
        ends[records++] = offset;
    }
}
