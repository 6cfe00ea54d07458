package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.StorageCorruptionException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The host journal's byte layout (big-endian).
 *
 * <p>File {@code <seq>.wal} (sequence number zero-padded to 20 digits), starting with a 20-byte header:
 * magic {@code "FJNL"} (4), format version (4), sequence number (8), CRC32C of the 16 bytes before (4).
 *
 * <p>Then records, each one mutation of one group's log, then zeros: a file is zero-filled before it
 * takes records (see {@link Journal}), and the first record whose bytes are all zero to the end of
 * the file is the end of the journal.
 *
 * <p>A record:
 * <pre>
 * offset size field
 *  0     4    length   bytes after the first 8
 *  4     4    crc      CRC32C of the fixed part: from offset 8 to the end of count
 *  8     1    op       APPEND, TRUNCATE, COMPACT or RESET
 *  9     2    n        length of the group id
 * 11     n    group    the group id, UTF-8
 *        8    a        APPEND: first index; TRUNCATE: first index removed; COMPACT: last index compacted; RESET: snapshot index
 *        8    b        RESET: snapshot term; 0 otherwise
 *        4    count    APPEND: entries that follow; 0 otherwise
 *             entries  APPEND: count log records ({@link RecordFormat}, each with its own CRC), indexes a, a+1, ...
 * </pre>
 * The entries are encoded exactly as in a segment file, so a round copies the same bytes into the
 * group's segment after the journal is forced, and the payloads are checksummed once.
 */
public final class JournalFormat {
    public static final int MAGIC = 0x464A4E4C;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 20;
    public static final byte APPEND = 1;
    public static final byte TRUNCATE = 2;
    public static final byte COMPACT = 3;
    public static final byte RESET = 4;
    /** Suffix of a journal file. */
    public static final String SUFFIX = ".wal";
    /** Suffix of a journal file being prepared (zero-filled) before it is renamed into place. */
    public static final String TEMP_SUFFIX = ".tmp";
    /** Fixed bytes of a record besides its group id. */
    public static final int FIXED_BYTES = 8 + 1 + 2 + 8 + 8 + 4;

    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.wal");

    private JournalFormat() {
    }

    public static String fileName(long seq) {
        return String.format("%020d.wal", seq);
    }

    /** The sequence number a journal file name denotes, if it is one. */
    public static Optional<Long> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Optional.of(Long.parseLong(m.group(1))) : Optional.empty();
    }

    public static ByteBuffer encodeHeader(long seq) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES);
        buffer.putInt(MAGIC).putInt(VERSION).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 16);
        buffer.putInt((int) crc.getValue());
        return buffer.flip();
    }

    /** Verifies the header at the start of {@code file}'s bytes; returns its sequence number. */
    public static long decodeHeader(byte[] bytes, Path file) throws StorageCorruptionException {
        if (bytes.length < HEADER_BYTES) throw new StorageCorruptionException(file, 0, "file of " + bytes.length + " bytes is too short for a journal header");
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt(0) != MAGIC) throw new StorageCorruptionException(file, 0, "not a Floe journal (bad magic)");
        if (b.getInt(4) != VERSION) throw new StorageCorruptionException(file, 4, "unsupported journal format version " + b.getInt(4));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 16);
        if (b.getInt(16) != (int) crc.getValue()) throw new StorageCorruptionException(file, 16, "journal header checksum mismatch");
        return b.getLong(8);
    }

    /** The header's sequence number, or -1 if the header is not valid. */
    public static long decodeHeaderQuietly(byte[] bytes) {
        try {
            return decodeHeader(bytes, Path.of("journal"));
        } catch (StorageCorruptionException e) {
            return -1;
        }
    }

    /** Bytes of a record's fixed part for a group id of {@code groupBytes} bytes. */
    public static int fixedSize(int groupBytes) {
        return FIXED_BYTES + groupBytes;
    }

    /**
     * Writes a record's fixed part at {@code start} of {@code buffer} (absolute puts; the position is
     * left alone), the record ending at {@code end} (entries, if any, already encoded after it).
     */
    public static void putFixed(ByteBuffer buffer, int start, int end, byte op, byte[] group, long a, long b, int count, CRC32C crc) {
        buffer.putInt(start, end - start - 8);
        buffer.put(start + 8, op);
        buffer.putShort(start + 9, (short) group.length);
        buffer.put(start + 11, group);
        int at = start + 11 + group.length;
        buffer.putLong(at, a);
        buffer.putLong(at + 8, b);
        buffer.putInt(at + 16, count);
        crc.reset();
        crc.update(buffer.slice(start + 8, 3 + group.length + 20));
        buffer.putInt(start + 4, (int) crc.getValue());
    }

    /** A record without entries, ready to write. */
    public static ByteBuffer encode(byte op, byte[] group, long a, long b) {
        int size = fixedSize(group.length);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        putFixed(buffer, 0, size, op, group, a, b, 0, new CRC32C());
        return buffer.limit(size);
    }
}
