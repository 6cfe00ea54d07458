package dev.floe.raft.transport.netty.internal;

/**
 * A minimal protobuf reader over one array, for {@link AppendCodec}'s hot path: varints, tags,
 * length-delimited windows and skipping unknown fields. Every read is bounds-checked against the
 * current limit and fails with a {@link WireException}, never an unchecked exception.
 * Groups (wire types 3 and 4, absent from proto3) are rejected.
 */
final class WireReader {
    private final byte[] array;
    private int position;
    private int limit;

    WireReader(byte[] array, int offset, int length) {
        this.array = array;
        this.position = offset;
        this.limit = offset + length;
    }

    boolean atEnd() {
        return position >= limit;
    }

    int position() {
        return position;
    }

    /**
     * Consumes the next byte when it equals {@code tag} (a one-byte tag, below 128). A multi-byte
     * varint never starts with such a byte, so a match is always that exact tag.
     */
    boolean consume(int tag) {
        if (position < limit && array[position] == tag) {
            position++;
            return true;
        }
        return false;
    }

    /** The next tag; a tag of 0 or above the 29-bit field range is malformed. */
    int tag() throws WireException {
        long tag = varint();
        if (tag <= 0 || tag > 0xFFFFFFFFL || (tag >>> 3) == 0) throw new WireException("malformed frame: invalid tag " + tag);
        return (int) tag;
    }

    long varint() throws WireException {
        // Fast path: tags, terms, lengths and indexes below 2^21 take one to three bytes.
        int p = position;
        if (limit - p >= 3) {
            byte b0 = array[p];
            if (b0 >= 0) {
                position = p + 1;
                return b0;
            }
            byte b1 = array[p + 1];
            if (b1 >= 0) {
                position = p + 2;
                return (b0 & 0x7F) | (b1 << 7);
            }
            byte b2 = array[p + 2];
            if (b2 >= 0) {
                position = p + 3;
                return (b0 & 0x7F) | ((b1 & 0x7F) << 7) | (b2 << 14);
            }
        }
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (position >= limit) throw new WireException("malformed frame: truncated varint");
            byte b = array[position++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) return result;
        }
        throw new WireException("malformed frame: varint longer than 10 bytes");
    }

    /** A length that must fit in what remains before the limit. */
    int length() throws WireException {
        long length = varint();
        if (length < 0 || length > limit - position) throw new WireException("malformed frame: length " + length + " past the end");
        return (int) length;
    }

    /** Narrows the readable range to the next {@code length} bytes; returns the previous limit for {@link #popLimit}. */
    int pushLimit(int length) {
        int previous = limit;
        limit = position + length;
        return previous;
    }

    void popLimit(int previous) {
        limit = previous;
    }

    /** The next {@code length} bytes (already checked by {@link #length}) as a window on the array, no copy. */
    dev.floe.raft.Bytes window(int length) {
        dev.floe.raft.Bytes bytes = dev.floe.raft.Bytes.wrap(array, position, length);
        position += length;
        return bytes;
    }

    /** The next {@code length} bytes (already checked by {@link #length}) decoded as UTF-8. */
    String string(int length) {
        String value = new String(array, position, length, java.nio.charset.StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    void skip(int length) {
        position += length;
    }

    void skipField(int tag) throws WireException {
        switch (tag & 7) {
            case 0 -> varint();
            case 1 -> skipFixed(8);
            case 2 -> skip(length());
            case 5 -> skipFixed(4);
            default -> throw new WireException("malformed frame: unsupported wire type " + (tag & 7));
        }
    }

    private void skipFixed(int n) throws WireException {
        if (limit - position < n) throw new WireException("malformed frame: truncated fixed field");
        position += n;
    }
}
