package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.StorageCorruptionException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Names and header of segment files.
 *
 * <p>Names: a closed segment is {@code log-<first>-<last>}, the open one {@code log-<first>.open},
 * a segment being created {@code log-<first>.open.tmp} (numbers zero-padded to 20 digits so a
 * directory listing sorts by index).
 *
 * <p>Header (28 bytes, big-endian): magic {@code "FLOG"} (4), format version (4), index of the
 * first record (8), term of the entry just before it (8; the snapshot term for the first segment,
 * 0 for a log starting at 1), CRC32C of the 24 bytes before (4). The {@code prevTerm} field is what
 * lets a compacted log answer {@code term(firstIndex - 1)} after a restart.
 */
public final class SegmentFormat {
    public static final int MAGIC = 0x464C4F47;
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 28;

    private static final Pattern CLOSED = Pattern.compile("log-(\\d{1,20})-(\\d{1,20})");
    private static final Pattern OPEN = Pattern.compile("log-(\\d{1,20})\\.open");
    private static final Pattern TEMP = Pattern.compile("log-(\\d{1,20})\\.open\\.tmp");

    /** A segment file name, parsed. {@code lastIndex} is -1 for the open segment. */
    public record Name(long baseIndex, long lastIndex, boolean open) {
    }

    /** A parsed and verified header. */
    public record Header(long baseIndex, long prevTerm) {
    }

    private SegmentFormat() {
    }

    public static String closedName(long base, long last) {
        return String.format("log-%020d-%020d", base, last);
    }

    public static String openName(long base) {
        return String.format("log-%020d.open", base);
    }

    public static String tempName(long base) {
        return openName(base) + ".tmp";
    }

    /** The segment a file name denotes, if it is one. */
    public static Optional<Name> parse(String fileName) {
        Matcher m = CLOSED.matcher(fileName);
        if (m.matches()) return Optional.of(new Name(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), false));
        m = OPEN.matcher(fileName);
        if (m.matches()) return Optional.of(new Name(Long.parseLong(m.group(1)), -1, true));
        return Optional.empty();
    }

    /** Whether {@code fileName} is a segment left half-created by a crash. */
    public static boolean isTemp(String fileName) {
        return TEMP.matcher(fileName).matches();
    }

    public static ByteBuffer encodeHeader(long baseIndex, long prevTerm) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES);
        buffer.putInt(MAGIC).putInt(VERSION).putLong(baseIndex).putLong(prevTerm);
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 24);
        buffer.putInt((int) crc.getValue());
        return buffer.flip();
    }

    /** Verifies and parses the header in {@code buffer} (position 0, at least {@link #HEADER_BYTES}). */
    public static Header decodeHeader(ByteBuffer buffer, Path file) throws StorageCorruptionException {
        if (buffer.getInt(0) != MAGIC) throw new StorageCorruptionException(file, 0, "not a Floe log segment (bad magic)");
        int version = buffer.getInt(4);
        if (version != VERSION) {
            throw new StorageCorruptionException(file, 4, "unsupported segment format version " + version + " (this Floe reads " + VERSION + ")");
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset(), 24);
        if (buffer.getInt(24) != (int) crc.getValue()) throw new StorageCorruptionException(file, 24, "segment header checksum mismatch");
        return new Header(buffer.getLong(8), buffer.getLong(16));
    }
}
