package dev.floe.raft.examples.kv;

import dev.floe.raft.Bytes;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * A write to the key-value map, as it travels through the Raft log. Encoding: one tag byte, then
 * length-prefixed fields (unsigned LEB128 varint lengths): {@code 1 key value} for PUT,
 * {@code 2 key prev value} for PUT-if, {@code 3 key} for DELETE. Keys are UTF-8 bytes, values raw bytes.
 */
public sealed interface KvCommand {
    byte PUT = 1;
    byte PUT_IF = 2;
    byte DELETE = 3;

    /** The key written. */
    Bytes key();

    /** Sets {@code key} to {@code value}. */
    record Put(Bytes key, Bytes value) implements KvCommand {
    }

    /** Sets {@code key} to {@code value} only if its current value is {@code prev} (compare-and-set). */
    record PutIf(Bytes key, Bytes prev, Bytes value) implements KvCommand {
    }

    /** Removes {@code key}. */
    record Delete(Bytes key) implements KvCommand {
    }

    /** The log payload of this command. */
    default Bytes encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + key().size());
        if (this instanceof Put p) {
            out.write(PUT);
            field(out, p.key());
            field(out, p.value());
        } else if (this instanceof PutIf p) {
            out.write(PUT_IF);
            field(out, p.key());
            field(out, p.prev());
            field(out, p.value());
        } else {
            out.write(DELETE);
            field(out, key());
        }
        return Bytes.wrap(out.toByteArray());
    }

    /**
     * Decodes a payload written by {@link #encode}.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static KvCommand decode(Bytes payload) {
        ByteBuffer in = payload.asReadOnlyByteBuffer();
        if (!in.hasRemaining()) throw new IllegalArgumentException("empty command");
        byte tag = in.get();
        KvCommand command = switch (tag) {
            case PUT -> new Put(field(in, KvLimits.MAX_KEY_BYTES), field(in, KvLimits.MAX_VALUE_BYTES));
            case PUT_IF -> new PutIf(field(in, KvLimits.MAX_KEY_BYTES), field(in, KvLimits.MAX_VALUE_BYTES),
                    field(in, KvLimits.MAX_VALUE_BYTES));
            case DELETE -> new Delete(field(in, KvLimits.MAX_KEY_BYTES));
            default -> throw new IllegalArgumentException("unknown command tag " + tag);
        };
        if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " trailing bytes after the command");
        if (command.key().isEmpty()) throw new IllegalArgumentException("empty key");
        return command;
    }

    static void field(ByteArrayOutputStream out, Bytes value) {
        writeVarint(out, value.size());
        out.write(value.toByteArray(), 0, value.size());
    }

    static Bytes field(ByteBuffer in, int max) {
        long length = readVarint(in);
        if (length > max || length > in.remaining()) {
            throw new IllegalArgumentException("field of " + length + " bytes (at most " + max + ", " + in.remaining() + " left)");
        }
        byte[] bytes = new byte[(int) length];
        in.get(bytes);
        return Bytes.wrap(bytes);
    }

    static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    static long readVarint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) throw new IllegalArgumentException("truncated varint");
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) return value;
        }
        throw new IllegalArgumentException("varint longer than 64 bits");
    }
}
