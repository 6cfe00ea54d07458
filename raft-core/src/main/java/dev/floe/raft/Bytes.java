package dev.floe.raft;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable run of bytes: a command, a query, a result or a log entry's payload.
 *
 * <p>Floe passes payloads around without copying them: a {@code Bytes} may be a view of part of a
 * larger array (for example a batch read from disk or a decoded network frame). {@link #wrap}
 * takes ownership of the array it is given; the caller must not change the array afterwards.
 * {@link #copyOf} copies. Nothing hands the backing array out: readers get a copy or a read-only
 * buffer.
 */
public final class Bytes {
    /** The empty payload. */
    public static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);

    private final byte[] array;
    private final int offset;
    private final int length;

    private Bytes(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Wraps {@code array} without copying; the caller gives up the right to change it.
     *
     * @param array the bytes; the caller must not change them afterwards
     * @return the bytes of {@code array}, or {@link #EMPTY}
     */
    public static Bytes wrap(byte[] array) {
        return array.length == 0 ? EMPTY : new Bytes(array, 0, array.length);
    }

    /**
     * Wraps {@code array[offset, offset+length)} without copying; the caller gives up the right to change it.
     *
     * @param array  the backing array; the caller must not change the range afterwards
     * @param offset the first byte of the range
     * @param length the number of bytes in the range
     * @return the bytes of the range, or {@link #EMPTY}
     * @throws IndexOutOfBoundsException if the range is not inside {@code array}
     */
    public static Bytes wrap(byte[] array, int offset, int length) {
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + array.length);
        }
        return length == 0 ? EMPTY : new Bytes(array, offset, length);
    }

    /**
     * A copy of {@code array}.
     *
     * @param array the bytes to copy
     * @return a copy, independent of later changes to {@code array}
     */
    public static Bytes copyOf(byte[] array) {
        return wrap(array.clone());
    }

    /**
     * The UTF-8 encoding of {@code text}.
     *
     * @param text the text to encode
     * @return its UTF-8 bytes
     */
    public static Bytes utf8(String text) {
        return wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return the number of bytes} */
    public int size() {
        return length;
    }

    /** {@return whether there are no bytes} */
    public boolean isEmpty() {
        return length == 0;
    }

    /**
     * The byte at {@code index}.
     *
     * @param index from 0 to {@code size() - 1}
     * @return the byte at {@code index}
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public byte get(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return array[offset + index];
    }

    /** {@return a fresh copy of the bytes, which the caller owns} */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** {@return a read-only view of the bytes (no copy)} */
    public ByteBuffer asReadOnlyByteBuffer() {
        return ByteBuffer.wrap(array, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * Writes the bytes to {@code buffer} (no intermediate copy).
     *
     * @param buffer where to put the bytes, at its position
     */
    public void writeTo(ByteBuffer buffer) {
        buffer.put(array, offset, length);
    }

    /**
     * Writes the bytes to {@code out} (no intermediate copy).
     *
     * @param out where to write the bytes
     * @throws IOException if {@code out} fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(array, offset, length);
    }

    /**
     * Copies the bytes into {@code target} at {@code targetOffset}.
     *
     * @param target       the array to copy into
     * @param targetOffset where the first byte goes
     */
    public void copyTo(byte[] target, int targetOffset) {
        System.arraycopy(array, offset, target, targetOffset, length);
    }

    /**
     * Decodes the bytes as UTF-8.
     *
     * @return the text
     */
    public String toUtf8() {
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Bytes other)) return false;
        return Arrays.equals(array, offset, offset + length, other.array, other.offset, other.offset + other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + array[i];
        }
        return h;
    }

    /** A short form for traces: the size, and the first bytes when they are printable. */
    @Override
    public String toString() {
        if (length == 0) return "[]";
        int shown = Math.min(length, 16);
        boolean printable = true;
        for (int i = 0; i < shown; i++) {
            byte b = array[offset + i];
            if (b < 0x20 || b > 0x7e) {
                printable = false;
                break;
            }
        }
        if (printable) {
            return "\"" + new String(array, offset, shown, StandardCharsets.US_ASCII) + (length > shown ? "…\"" : "\"") + "(" + length + "B)";
        }
        return "[" + length + "B]";
    }
}
