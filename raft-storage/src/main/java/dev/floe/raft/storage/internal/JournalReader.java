package dev.floe.raft.storage.internal;

import dev.floe.raft.Entry;
import dev.floe.raft.storage.StorageCorruptionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads one journal file on recovery, verifying every record (its fixed part's checksum, then each
 * entry's own checksum and index). Files are zero-filled before they take records, so zeros from a
 * record's start to the end of the file are the end of the journal. Any other bad record ends the
 * file too: in the last file, when only zeros follow the one write it may belong to (at most
 * {@code tornWindow} bytes, or one oversized record written alone), that is the torn tail of a write
 * that never completed, never acknowledged, and is ignored; anywhere else it is corruption.
 */
public final class JournalReader {
    /**
     * One journaled mutation of one group's log (see {@link JournalFormat}); entries are views of
     * the file's bytes.
     */
    public record Record(byte op, String group, long a, long b, List<Entry> entries) {
    }

    /** What a file held: its records, and the bytes of a torn tail ignored (0 if none). */
    public record Result(long seq, List<Record> records, long tornBytes, String tornReason) {
    }

    private final Path file;
    private final byte[] bytes;
    private final ByteBuffer view;
    private final boolean last;
    private final long tornWindow;
    private final CRC32C crc = new CRC32C();

    private JournalReader(Path file, byte[] bytes, boolean last, long tornWindow) {
        this.file = file;
        this.bytes = bytes;
        this.view = ByteBuffer.wrap(bytes);
        this.last = last;
        this.tornWindow = tornWindow;
    }

    /**
     * Reads {@code file}.
     *
     * @param last       whether it is the newest journal file (the only one that may end torn)
     * @param tornWindow the most bytes the journal writes before a force
     * @throws StorageCorruptionException if it is damaged in a way a crash cannot explain
     */
    public static Result read(Path file, long seq, boolean last, long tornWindow) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (last && bytes.length <= JournalFormat.HEADER_BYTES) {
            boolean complete = bytes.length == JournalFormat.HEADER_BYTES && JournalFormat.decodeHeaderQuietly(bytes) == seq;
            // A crash while a checkpoint created this file: it holds nothing yet.
            return new Result(seq, List.of(), complete ? 0 : bytes.length, complete ? null : "a header whose creation a crash interrupted");
        }
        long found = JournalFormat.decodeHeader(bytes, file);
        if (found != seq) throw new StorageCorruptionException(file, 8, "header says journal " + found + " but the name says " + seq);
        return new JournalReader(file, bytes, last, tornWindow).records(seq);
    }

    private Result records(long seq) throws StorageCorruptionException {
        List<Record> out = new ArrayList<>();
        int pos = JournalFormat.HEADER_BYTES;
        int size = bytes.length;
        while (pos < size) {
            if (size - pos < 8) return bad(seq, out, pos, "partial record header", false, 0);
            int length = view.getInt(pos);
            if (length < JournalFormat.FIXED_BYTES - 8) return bad(seq, out, pos, "invalid record length " + length, false, 0);
            if (size - pos < 11) return bad(seq, out, pos, "partial record header", false, 0);
            int groupLength = view.getShort(pos + 9);
            int fixedEnd = pos + JournalFormat.fixedSize(groupLength);
            if (groupLength < 0 || fixedEnd > size || fixedEnd > pos + 8L + length) {
                return bad(seq, out, pos, "partial or invalid record header", false, 0);
            }
            crc.reset();
            crc.update(bytes, pos + 8, fixedEnd - pos - 8);
            if (view.getInt(pos + 4) != (int) crc.getValue()) return bad(seq, out, pos, "record header checksum mismatch", false, 0);
            long end = pos + 8L + length;
            if (end > size) return bad(seq, out, pos, "record of " + (8L + length) + " bytes runs past the end of the file", true, end);
            byte op = bytes[pos + 8];
            String group = new String(bytes, pos + 11, groupLength, StandardCharsets.UTF_8);
            int at = pos + 11 + groupLength;
            long a = view.getLong(at);
            long b = view.getLong(at + 8);
            int count = view.getInt(at + 16);
            if (op < JournalFormat.APPEND || op > JournalFormat.RESET || count < 0 || (op != JournalFormat.APPEND && count != 0)) {
                return bad(seq, out, pos, "invalid record (op " + op + ", " + count + " entries)", true, end);
            }
            List<Entry> entries = new ArrayList<>(count);
            int e = fixedEnd;
            for (int k = 0; k < count; k++) {
                int entryLength = e + 8 <= end ? view.getInt(e) : -1;
                if (entryLength < RecordFormat.MIN_LENGTH || e + 8L + entryLength > end
                        || view.getInt(e + 4) != RecordFormat.checksum(bytes, e, entryLength, crc)) {
                    return bad(seq, out, pos, "entry " + (a + k) + " fails its checksum", true, end);
                }
                Entry entry = RecordFormat.decode(bytes, e);
                if (entry.index() != a + k) return bad(seq, out, pos, "entry holds index " + entry.index() + " where " + (a + k) + " was expected", true, end);
                entries.add(entry);
                e += 8 + entryLength;
            }
            if (e != end) return bad(seq, out, pos, "record length does not match its entries", true, end);
            out.add(new Record(op, group, a, b, entries));
            pos = (int) end;
        }
        return new Result(seq, out, 0, null);
    }

    // The first bad record at pos: the end of the records if only zeros follow; else a torn tail if
    // a crash can explain it, corruption otherwise.
    private Result bad(long seq, List<Record> out, int pos, String reason, boolean headerValid, long claimedEnd)
            throws StorageCorruptionException {
        if (zerosFrom(pos)) return new Result(seq, out, 0, null);
        long remaining = bytes.length - pos;
        if (!last) throw new StorageCorruptionException(file, pos, reason + " in a journal file that is not the last one");
        // A record larger than a write is written alone, so nothing was written after a torn one.
        boolean tornOversized = headerValid && claimedEnd - pos > tornWindow && zerosFrom(claimedEnd);
        if (remaining <= tornWindow || zerosFrom(pos + tornWindow) || tornOversized) return new Result(seq, out, extent(pos), reason);
        throw new StorageCorruptionException(file, pos, reason + ", followed by " + remaining
                + " bytes: more than one unacknowledged write, so not a torn tail");
    }

    // Bytes from pos to the last one that is not zero: what the torn write left.
    private long extent(int pos) {
        int end = bytes.length;
        while (end > pos && bytes[end - 1] == 0) end--;
        return end - pos;
    }

    private boolean zerosFrom(long from) {
        for (long i = Math.max(from, 0); i < bytes.length; i++) {
            if (bytes[(int) i] != 0) return false;
        }
        return true;
    }
}
