package dev.floe.raft.transport.netty.internal;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.floe.raft.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Moves payloads between {@link Bytes} and protobuf {@link ByteString} without copying.
 *
 * <p>Encoding wraps the payload's read-only view. Decoding relies on the frame being parsed with
 * aliasing from an array this module owns (see {@link FrameIo#parse}): the decoded
 * {@code ByteString} is then a window on that array, and {@link #toBytes} wraps the same window.
 */
public final class ByteStrings {
    private ByteStrings() {
    }

    /** A {@code ByteString} view of {@code bytes} (no copy). */
    public static ByteString of(Bytes bytes) {
        return bytes.isEmpty() ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(bytes.asReadOnlyByteBuffer());
    }

    /** A {@code Bytes} view of {@code string}; copies only when the string is not one array window. */
    public static Bytes toBytes(ByteString string) {
        if (string.isEmpty()) return Bytes.EMPTY;
        Window window = new Window();
        try {
            UnsafeByteOperations.unsafeWriteTo(string, window);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return window.single ? Bytes.wrap(window.array, window.offset, window.length) : Bytes.wrap(string.toByteArray());
    }

    /** Captures the backing array when a {@code ByteString} hands it over in exactly one piece. */
    private static final class Window extends ByteOutput {
        byte[] array;
        int offset;
        int length;
        boolean single;
        private int pieces;

        @Override
        public void writeLazy(byte[] value, int off, int len) {
            if (++pieces == 1) {
                array = value;
                offset = off;
                length = len;
                single = true;
            } else {
                single = false;
            }
        }

        @Override
        public void write(byte value) {
            pieces++;
            single = false;
        }

        @Override
        public void write(byte[] value, int off, int len) {
            pieces++;
            single = false;
        }

        @Override
        public void write(ByteBuffer value) {
            pieces++;
            single = false;
        }

        @Override
        public void writeLazy(ByteBuffer value) {
            pieces++;
            single = false;
        }
    }
}
