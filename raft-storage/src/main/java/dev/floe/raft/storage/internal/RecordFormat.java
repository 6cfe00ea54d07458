package dev.floe.raft.storage.internal;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of one log record (big-endian):
 * <pre>
 * offset size field
 *  0     4    length   bytes after the first 8 = 17 + payload size
 *  4     4    crc      CRC32C of the {@code length} bytes from offset 8
 *  8     8    term
 * 16     8    index
 * 24     1    type     {@link EntryType} ordinal
 * 25     n    payload
 * </pre>
 * A damaged length field is caught by the CRC too: the checksum is then computed over the wrong
 * range and fails (or the length points past the end of the file).
 */
public final class RecordFormat {
    /** Bytes of a record besides its payload. */
    public static final int OVERHEAD = 25;
    /** Smallest valid value of the length field (an empty payload). */
    public static final int MIN_LENGTH = OVERHEAD - 8;
    /** Where the checksummed part starts. */
    public static final int CRC_START = 8;

    private RecordFormat() {
    }

    /** Encoded size of {@code entry}. */
    public static int size(Entry entry) {
        return OVERHEAD + entry.data().size();
    }

    /** {@link Entry#sizeBytes()} of the entry a record of {@code recordBytes} holds, without decoding it. */
    public static long entrySizeBytes(long recordBytes) {
        return recordBytes - OVERHEAD + Entry.OVERHEAD_BYTES;
    }

    /**
     * Appends {@code entry} to {@code buffer} (which must have room). Copies the payload once, into
     * the write buffer, and allocates nothing.
     */
    public static void encode(Entry entry, ByteBuffer buffer, CRC32C crc) {
        int start = buffer.position();
        int payload = entry.data().size();
        buffer.putInt(MIN_LENGTH + payload);
        buffer.putInt(0);
        buffer.putLong(entry.term());
        buffer.putLong(entry.index());
        buffer.put((byte) entry.type().ordinal());
        entry.data().writeTo(buffer);
        int end = buffer.position();
        int limit = buffer.limit();
        crc.reset();
        buffer.position(start + CRC_START).limit(end);
        crc.update(buffer);
        buffer.limit(limit).position(end);
        buffer.putInt(start + 4, (int) crc.getValue());
    }

    /** The CRC32C a record at {@code offset} of {@code array} should carry, given its length field. */
    public static int checksum(byte[] array, int offset, int length, CRC32C crc) {
        crc.reset();
        crc.update(array, offset + CRC_START, length);
        return (int) crc.getValue();
    }

    /**
     * Decodes the record at {@code offset}, whose checksum the caller verified. The payload is a
     * view of {@code array}, not a copy: the array must not be changed afterwards.
     */
    public static Entry decode(byte[] array, int offset) {
        ByteBuffer view = ByteBuffer.wrap(array);
        int length = view.getInt(offset);
        long term = view.getLong(offset + 8);
        long index = view.getLong(offset + 16);
        EntryType type = EntryType.ofCode(array[offset + 24]);
        return new Entry(term, index, type, Bytes.wrap(array, offset + OVERHEAD, length - MIN_LENGTH));
    }
}
