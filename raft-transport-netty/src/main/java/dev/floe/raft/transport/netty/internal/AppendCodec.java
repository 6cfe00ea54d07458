package dev.floe.raft.transport.netty.internal;

import static dev.floe.raft.transport.netty.internal.ValueCodec.nonNegative;

import com.google.protobuf.WireFormat;
import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written encoder and decoder for the one hot message, {@code Frame{append_request}}, that
 * produce and accept exactly the bytes of {@code raft.proto} (tests check both directions against
 * the generated classes) without building protobuf objects per entry.
 *
 * <p>Encoding writes fields in field-number order and omits proto3 defaults, like protobuf does.
 * Decoding follows protobuf's rules: fields in any order, unknown fields (and known numbers with an
 * unexpected wire type) skipped; entry payloads become windows on the frame's array (no copy).
 */
public final class AppendCodec {
    // Tags are (field number << 3) | wire type, written as constants so they can be switch labels.
    private static final int FRAME_APPEND = (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int TERM = (1 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int PREV_INDEX = (2 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int PREV_TERM = (3 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int ENTRIES = (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int COMMIT = (5 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int QUIESCE = (6 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int ENTRY_TERM = (1 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int ENTRY_INDEX = (2 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int ENTRY_TYPE = (3 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int ENTRY_DATA = (4 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    /** Wire numbers of {@code raft.proto}'s EntryType equal the ordinals of the core's (a test checks). */
    private static final EntryType[] ENTRY_TYPES = EntryType.values();
    /** The largest field number of {@code Frame.body} in this version; others at frame level are unknown. */
    private static final int LAST_BODY_FIELD = 14;
    /** {@code Frame.group} (version 2), written after the body as protobuf writes fields in number order. */
    private static final int FRAME_GROUP = (15 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final byte[] NO_GROUP = new byte[0];

    private AppendCodec() {
    }

    // ------------------------------------------------------------------ encoding

    /** The sizes {@link #write} needs, computed once per message. */
    public record Sizes(int frame, int body, int[] entries, byte[] group) {
    }

    /** The serialized size of {@code Frame{append_request: m}} (length prefix excluded) and of its parts. */
    public static Sizes sizes(AppendRequest m) {
        return sizes(m, NO_GROUP);
    }

    /**
     * The serialized size of {@code Frame{append_request: m, group: group}} (length prefix excluded)
     * and of its parts; {@code group} is UTF-8, empty for the default group (no field).
     */
    public static Sizes sizes(AppendRequest m, byte[] group) {
        List<Entry> list = m.entries();
        int[] entries = new int[list.size()];
        int body = fieldSize(m.term()) + fieldSize(m.prevLogIndex()) + fieldSize(m.prevLogTerm()) + fieldSize(m.leaderCommit())
                + fieldSize(m.quiesce() ? 1 : 0);
        for (int i = 0; i < entries.length; i++) {
            Entry e = list.get(i);
            int data = e.data().size();
            int entry = fieldSize(e.term()) + fieldSize(e.index()) + fieldSize(e.type().ordinal())
                    + (data == 0 ? 0 : 1 + varintSize(data) + data);
            entries[i] = entry;
            body += 1 + varintSize(entry) + entry;
        }
        int groupField = group.length == 0 ? 0 : 1 + varintSize(group.length) + group.length;
        return new Sizes(1 + varintSize(body) + body + groupField, body, entries, group);
    }

    /**
     * Writes the length prefix and the frame into {@code out} from {@code offset}, which must have
     * room for {@code 4 + sizes.frame()} bytes; returns the offset after it. Payloads are copied
     * straight from their arrays.
     */
    public static int write(byte[] out, int offset, AppendRequest m, Sizes sizes) {
        int p = offset;
        int frame = sizes.frame();
        out[p++] = (byte) (frame >>> 24);
        out[p++] = (byte) (frame >>> 16);
        out[p++] = (byte) (frame >>> 8);
        out[p++] = (byte) frame;
        out[p++] = (byte) FRAME_APPEND;
        p = writeVarint(out, p, sizes.body());
        p = writeField(out, p, TERM, m.term());
        p = writeField(out, p, PREV_INDEX, m.prevLogIndex());
        p = writeField(out, p, PREV_TERM, m.prevLogTerm());
        List<Entry> list = m.entries();
        int[] entrySizes = sizes.entries();
        for (int i = 0; i < entrySizes.length; i++) {
            Entry e = list.get(i);
            out[p++] = (byte) ENTRIES;
            p = writeVarint(out, p, entrySizes[i]);
            p = writeField(out, p, ENTRY_TERM, e.term());
            p = writeField(out, p, ENTRY_INDEX, e.index());
            p = writeField(out, p, ENTRY_TYPE, e.type().ordinal());
            Bytes data = e.data();
            if (!data.isEmpty()) {
                out[p++] = (byte) ENTRY_DATA;
                p = writeVarint(out, p, data.size());
                data.copyTo(out, p);
                p += data.size();
            }
        }
        p = writeField(out, p, COMMIT, m.leaderCommit());
        p = writeField(out, p, QUIESCE, m.quiesce() ? 1 : 0);
        byte[] group = sizes.group();
        if (group.length > 0) {
            out[p++] = (byte) FRAME_GROUP;
            p = writeVarint(out, p, group.length);
            System.arraycopy(group, 0, out, p, group.length);
            p += group.length;
        }
        if (p - offset != WireProtocol.LENGTH_PREFIX_BYTES + frame) {
            throw new IllegalStateException("append frame size mismatch: wrote " + (p - offset) + " for " + frame);
        }
        return p;
    }

    /** A varint field with a one-byte tag; proto3 omits zero. */
    private static int fieldSize(long value) {
        return value == 0 ? 0 : 1 + varintSize(value);
    }

    private static int writeField(byte[] out, int p, int tag, long value) {
        if (value == 0) return p;
        out[p] = (byte) tag;
        return writeVarint(out, p + 1, value);
    }

    private static int varintSize(long value) {
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }

    private static int writeVarint(byte[] out, int p, long value) {
        while ((value & ~0x7FL) != 0) {
            out[p++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[p++] = (byte) value;
        return p;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The AppendRequest in {@code array[offset, offset+length)} when that frame's body is an
     * {@code append_request} (its first field), or {@code null} for any other frame, which the
     * generic decoder then handles.
     */
    public static AppendRequest read(byte[] array, int offset, int length, NodeId from, NodeId to) throws WireException {
        WireReader in = new WireReader(array, offset, length);
        if (length == 0 || (array[offset] & 0xFF) != FRAME_APPEND) return null;
        in.tag();
        int outer = in.pushLimit(in.length());
        AppendRequest request = readBody(in, from, to);
        in.popLimit(outer);
        // Anything after the body must be unknown to this version; a second body is not a valid frame.
        while (!in.atEnd()) {
            int tag = in.tag();
            int field = tag >>> 3;
            if (field <= LAST_BODY_FIELD) throw new WireException("frame carries more than one message");
            in.skipField(tag);
        }
        return request;
    }

    private static AppendRequest readBody(WireReader in, NodeId from, NodeId to) throws WireException {
        long term = 0;
        long prevIndex = 0;
        long prevTerm = 0;
        long commit = 0;
        boolean quiesce = false;
        List<Entry> entries = new ArrayList<>(64);
        while (!in.atEnd()) {
            if (in.consume(ENTRIES)) {
                entries.add(readEntry(in));
                continue;
            }
            int tag = in.tag();
            switch (tag) {
                case TERM -> term = in.varint();
                case PREV_INDEX -> prevIndex = in.varint();
                case PREV_TERM -> prevTerm = in.varint();
                case COMMIT -> commit = in.varint();
                case QUIESCE -> quiesce = in.varint() != 0;
                case ENTRIES -> entries.add(readEntry(in));
                default -> in.skipField(tag);
            }
        }
        // Checked once all fields are in: protobuf allows prev_log_index after the entries.
        long expected = nonNegative(prevIndex, "prev_log_index") + 1;
        for (Entry e : entries) {
            if (e.index() != expected) throw new WireException("entry index " + e.index() + " where " + expected + " was expected");
            expected++;
        }
        return new AppendRequest(from, to, nonNegative(term, "term"), prevIndex, nonNegative(prevTerm, "prev_log_term"),
                entries, nonNegative(commit, "leader_commit"), quiesce);
    }

    private static Entry readEntry(WireReader in) throws WireException {
        int outer = in.pushLimit(in.length());
        long term = 0;
        long index = 0;
        long type = 0;
        Bytes data = Bytes.EMPTY;
        // Fast path for the canonical field order; whatever follows (any order, repeats, unknown
        // fields) goes through the general loop, so stream order and last-one-wins still hold.
        if (in.consume(ENTRY_TERM)) term = in.varint();
        if (in.consume(ENTRY_INDEX)) index = in.varint();
        if (in.consume(ENTRY_TYPE)) type = in.varint();
        if (in.consume(ENTRY_DATA)) data = in.window(in.length());
        while (!in.atEnd()) {
            int tag = in.tag();
            switch (tag) {
                case ENTRY_TERM -> term = in.varint();
                case ENTRY_INDEX -> index = in.varint();
                case ENTRY_TYPE -> type = in.varint();
                case ENTRY_DATA -> {
                    int len = in.length();
                    // A later occurrence replaces an earlier one, as protobuf does for scalars.
                    data = in.window(len);
                }
                default -> in.skipField(tag);
            }
        }
        in.popLimit(outer);
        nonNegative(term, "entry.term");
        nonNegative(index, "entry.index");
        if (term < 1) throw new WireException("entry " + index + " has term 0");
        if (index < 1) throw new WireException("entry index 0");
        // Enum values are int32 on the wire: a negative one arrives sign-extended, and is unknown too.
        if (type < 0 || type >= ENTRY_TYPES.length) throw new WireException("unknown entry type " + type);
        return new Entry(term, index, ENTRY_TYPES[(int) type], data);
    }
}
