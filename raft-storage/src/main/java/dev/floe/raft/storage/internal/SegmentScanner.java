package dev.floe.raft.storage.internal;

import dev.floe.raft.EntryType;
import dev.floe.raft.storage.StorageCorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads a segment from end to end on open, verifying every record (length, checksum, consecutive
 * index, non-decreasing term) and filling the {@link IndexTable}. Reads in 1 MiB chunks.
 *
 * <p>The first bad record ends the scan. In a closed segment, or in the open one when more than one
 * write's worth of bytes follows it, that is corruption and the scan throws. Otherwise it is the
 * torn tail of a write that never completed (so was never acknowledged), and the caller cuts it.
 */
public final class SegmentScanner {
    private static final int CHUNK = 1 << 20;

    /**
     * What the scan found.
     *
     * @param tornReason why the tail from {@code endOffset} on is unusable, or null when the file is clean
     */
    public record Result(long lastIndex, long lastTerm, long endOffset, long fileSize, String tornReason) {
        public boolean torn() {
            return tornReason != null;
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final boolean open;
    private final long tornWindow;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[CHUNK];
    private long bufStart;
    private int bufLength;

    private SegmentScanner(Path path, FileChannel channel, boolean open, long tornWindow) throws IOException {
        this.path = path;
        this.channel = channel;
        this.open = open;
        this.tornWindow = tornWindow;
        this.size = channel.size();
    }

    /** Reads and verifies a segment's header. */
    public static SegmentFormat.Header readHeader(Path path, FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(SegmentFormat.HEADER_BYTES);
        if (!FileOps.readFully(channel, header, 0)) {
            throw new StorageCorruptionException(path, 0, "file of " + channel.size() + " bytes is too short for a segment header");
        }
        return SegmentFormat.decodeHeader(header, path);
    }

    /**
     * Scans the records after the header, adding each to {@code table} (whose next index must be the
     * segment's base index).
     *
     * @param tornWindow how many bytes at the end of an open segment a crash may have torn
     */
    public static Result scan(Path path, FileChannel channel, SegmentFormat.Header header, boolean open, long tornWindow,
                              IndexTable table) throws IOException {
        return scan(path, channel, header, open, tornWindow, table, Long.MAX_VALUE);
    }

    /**
     * {@link #scan(Path, FileChannel, SegmentFormat.Header, boolean, long, IndexTable)} that stops
     * before the record of index {@code stopAt}, reading nothing from there on (a journal replay
     * rewrites it); the result's {@code endOffset} is then where that record starts.
     */
    public static Result scan(Path path, FileChannel channel, SegmentFormat.Header header, boolean open, long tornWindow,
                              IndexTable table, long stopAt) throws IOException {
        return new SegmentScanner(path, channel, open, tornWindow).run(header, table, stopAt);
    }

    private Result run(SegmentFormat.Header header, IndexTable table, long stopAt) throws IOException {
        long pos = SegmentFormat.HEADER_BYTES;
        long expected = header.baseIndex();
        long lastTerm = header.prevTerm();
        bufStart = pos;
        while (pos < size && expected < stopAt) {
            if (size - pos < 8) return bad(pos, expected, lastTerm, "partial record header", -1);
            ensure(pos, 8);
            int at = (int) (pos - bufStart);
            int length = getInt(at);
            if (length < RecordFormat.MIN_LENGTH) return bad(pos, expected, lastTerm, "invalid record length " + length, -1);
            long recordSize = 8L + length;
            if (pos + recordSize > size) {
                return bad(pos, expected, lastTerm, "record of " + recordSize + " bytes runs past the end of the file", recordSize);
            }
            ensure(pos, recordSize);
            at = (int) (pos - bufStart);
            if (getInt(at + 4) != RecordFormat.checksum(buf, at, length, crc)) {
                return bad(pos, expected, lastTerm, "record checksum mismatch", recordSize);
            }
            long term = getLong(at + 8);
            long index = getLong(at + 16);
            int type = buf[at + 24];
            if (index != expected) return bad(pos, expected, lastTerm, "record holds index " + index + " where " + expected + " was expected", recordSize);
            if (term < lastTerm) return bad(pos, expected, lastTerm, "term " + term + " after term " + lastTerm, recordSize);
            if (type < 0 || type >= EntryType.values().length) return bad(pos, expected, lastTerm, "unknown entry type " + type, recordSize);
            table.add(term, pos);
            expected++;
            lastTerm = term;
            pos += recordSize;
        }
        return new Result(expected - 1, lastTerm, pos, size, null);
    }

    // The first bad record at pos: a torn tail if a crash can explain it, corruption otherwise.
    private Result bad(long pos, long expected, long lastTerm, String reason, long claimedSize) throws IOException {
        if (!open) throw new StorageCorruptionException(path, pos, reason + " in a closed segment");
        long remaining = size - pos;
        // A record larger than a write is written alone, so a torn one is the very last thing in the file;
        // its index field (written with the length) tells it apart from a length damaged by bit rot.
        boolean tornOversized = claimedSize > tornWindow && pos + claimedSize >= size && remaining >= 24
                && indexFieldAt(pos) == expected;
        if (remaining <= tornWindow || tornOversized) {
            return new Result(expected - 1, lastTerm, pos, size, reason);
        }
        throw new StorageCorruptionException(path, pos, reason + ", followed by " + remaining
                + " bytes: more than one unacknowledged write, so not a torn tail");
    }

    private long indexFieldAt(long pos) throws IOException {
        ensure(pos, 24);
        return getLong((int) (pos - bufStart) + 16);
    }

    // Makes file bytes [pos, pos + n) available in buf.
    private void ensure(long pos, long n) throws IOException {
        if (pos >= bufStart && pos + n <= bufStart + bufLength) return;
        int keep = 0;
        if (pos >= bufStart && pos < bufStart + bufLength) {
            keep = (int) (bufStart + bufLength - pos);
            System.arraycopy(buf, (int) (pos - bufStart), buf, 0, keep);
        }
        if (n > buf.length) {
            byte[] bigger = new byte[(int) n];
            System.arraycopy(buf, 0, bigger, 0, keep);
            buf = bigger;
        }
        bufStart = pos;
        bufLength = keep;
        ByteBuffer target = ByteBuffer.wrap(buf, keep, (int) Math.min(buf.length - keep, size - pos - keep));
        FileOps.readFully(channel, target, pos + keep);
        bufLength = target.position();
    }

    private int getInt(int at) {
        return ((buf[at] & 0xff) << 24) | ((buf[at + 1] & 0xff) << 16) | ((buf[at + 2] & 0xff) << 8) | (buf[at + 3] & 0xff);
    }

    private long getLong(int at) {
        return ((long) getInt(at) << 32) | (getInt(at + 4) & 0xffffffffL);
    }
}
