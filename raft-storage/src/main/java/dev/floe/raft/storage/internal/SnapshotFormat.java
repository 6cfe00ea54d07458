package dev.floe.raft.storage.internal;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.storage.StorageCorruptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Names and byte layout of snapshot files ({@code snapshot-<index>-<term>.snap}, big-endian):
 * <pre>
 * header:  magic "FLSN" (4) | version (4) | header length H (4) | last index (8) | last term (8)
 *          | voters, outgoing voters, learners: each count (4) then per id length (2) + ASCII
 *          | CRC32C of the header bytes before it (4)
 * data:    the state machine's bytes
 * trailer: data length (8) | CRC32C of the data (4) | magic "FLSE" (4)
 * </pre>
 * A file is complete only if its trailer is there and agrees with the file size; commits write the
 * trailer last, force, and only then rename the temp file into place.
 */
public final class SnapshotFormat {
    public static final int MAGIC = 0x464C534E;
    public static final int END_MAGIC = 0x464C5345;
    public static final int VERSION = 1;
    public static final int TRAILER_BYTES = 16;
    /** Bytes to read first to learn the header length. */
    public static final int PREFIX_BYTES = 12;

    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{1,20})-(\\d{1,20})\\.snap");
    private static final Pattern TEMP = Pattern.compile("snapshot-(\\d{1,20})-(\\d{1,20})\\.snap\\.tmp");

    /** Index and term a snapshot file name carries. */
    public record Name(long lastIndex, long lastTerm) {
    }

    private SnapshotFormat() {
    }

    public static String fileName(long index, long term) {
        return String.format("snapshot-%020d-%020d.snap", index, term);
    }

    public static Optional<Name> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() ? Optional.of(new Name(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)))) : Optional.empty();
    }

    public static boolean isTemp(String fileName) {
        return TEMP.matcher(fileName).matches();
    }

    public static ByteBuffer encodeHeader(SnapshotMeta meta) {
        int length = PREFIX_BYTES + 16 + setBytes(meta.config().voters()) + setBytes(meta.config().votersOutgoing())
                + setBytes(meta.config().learners()) + 4;
        ByteBuffer out = ByteBuffer.allocate(length);
        out.putInt(MAGIC).putInt(VERSION).putInt(length).putLong(meta.lastIndex()).putLong(meta.lastTerm());
        putSet(out, meta.config().voters());
        putSet(out, meta.config().votersOutgoing());
        putSet(out, meta.config().learners());
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.flip();
    }

    /** The header length announced by the first {@link #PREFIX_BYTES}, after checking magic and version. */
    public static int headerLength(ByteBuffer prefix, Path file, long fileSize) throws StorageCorruptionException {
        if (prefix.getInt(0) != MAGIC) throw new StorageCorruptionException(file, 0, "not a Floe snapshot (bad magic)");
        if (prefix.getInt(4) != VERSION) throw new StorageCorruptionException(file, 4, "unsupported snapshot version " + prefix.getInt(4));
        int length = prefix.getInt(8);
        if (length < PREFIX_BYTES + 16 + 12 + 4 || length > fileSize - TRAILER_BYTES) {
            throw new StorageCorruptionException(file, 8, "invalid header length " + length);
        }
        return length;
    }

    public static SnapshotMeta decodeHeader(ByteBuffer header, Path file) throws StorageCorruptionException {
        int length = header.limit();
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, length - 4);
        if (header.getInt(length - 4) != (int) crc.getValue()) throw new StorageCorruptionException(file, length - 4, "snapshot header checksum mismatch");
        try {
            header.position(PREFIX_BYTES);
            long index = header.getLong();
            long term = header.getLong();
            SortedSet<NodeId> voters = getSet(header);
            SortedSet<NodeId> outgoing = getSet(header);
            SortedSet<NodeId> learners = getSet(header);
            return new SnapshotMeta(index, term, new ClusterConfig(voters, outgoing, learners));
        } catch (RuntimeException e) {
            throw new StorageCorruptionException(file, PREFIX_BYTES, "undecodable snapshot header: " + e.getMessage());
        }
    }

    private static int setBytes(SortedSet<NodeId> set) {
        int n = 4;
        for (NodeId id : set) n += 2 + id.value().length();
        return n;
    }

    private static void putSet(ByteBuffer out, SortedSet<NodeId> set) {
        out.putInt(set.size());
        for (NodeId id : set) {
            byte[] b = id.value().getBytes(StandardCharsets.US_ASCII);
            out.putShort((short) b.length).put(b);
        }
    }

    private static SortedSet<NodeId> getSet(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > 100_000) throw new IllegalArgumentException("member count " + count);
        TreeSet<NodeId> set = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[in.getShort() & 0xffff];
            in.get(b);
            set.add(NodeId.of(new String(b, StandardCharsets.US_ASCII)));
        }
        return set;
    }
}
