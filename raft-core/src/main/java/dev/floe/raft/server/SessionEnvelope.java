package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * How the server stores a command in a COMMAND log entry: a one-byte tag, then either the user's
 * command as is ({@link #PLAIN}) or a session envelope ({@link #SESSION}, thesis §6.3): the client
 * id, its sequence number, the lowest sequence it still waits for (every response below it was
 * received), the leader's clock when it proposed the command (log time for session expiry), then
 * the command. Every command carries the tag so that no user command can be
 * mistaken for an envelope.
 */
sealed interface SessionEnvelope {
    byte PLAIN = 0;
    byte SESSION = 1;

    /** A command outside any session. */
    record Plain(Bytes command) implements SessionEnvelope {
    }

    /** A command of {@code clientId}'s session, number {@code sequence}, stamped {@code leaderMillis}. */
    record Session(String clientId, long sequence, long lowestOutstanding, long leaderMillis, Bytes command)
            implements SessionEnvelope {
    }

    static Bytes plain(Bytes command) {
        byte[] out = new byte[command.size() + 1];
        out[0] = PLAIN;
        command.copyTo(out, 1);
        return Bytes.wrap(out);
    }

    /** The envelope of a session command; the client id in modified UTF-8 as {@link java.io.DataOutput#writeUTF} writes it. */
    static Bytes session(String clientId, long sequence, long lowestOutstanding, long leaderMillis, Bytes command) {
        // Written by hand into one exact-size array: this runs for every client command on the leader.
        int idBytes = modifiedUtf8Length(clientId);
        if (idBytes > 0xFFFF) {
            throw new UncheckedIOException(new UTFDataFormatException("client id of " + idBytes + " encoded bytes is too long"));
        }
        byte[] out = new byte[1 + 2 + idBytes + 3 * Long.BYTES + command.size()];
        out[0] = SESSION;
        out[1] = (byte) (idBytes >>> 8);
        out[2] = (byte) idBytes;
        int p = 3;
        for (int i = 0; i < clientId.length(); i++) {
            char c = clientId.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                out[p++] = (byte) c;
            } else if (c > 0x07FF) {
                out[p++] = (byte) (0xE0 | ((c >> 12) & 0x0F));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else {
                out[p++] = (byte) (0xC0 | ((c >> 6) & 0x1F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        LONGS.set(out, p, sequence);
        LONGS.set(out, p + 8, lowestOutstanding);
        LONGS.set(out, p + 16, leaderMillis);
        command.copyTo(out, p + 24);
        return Bytes.wrap(out);
    }

    /**
     * Decodes a COMMAND entry's data.
     *
     * @throws IllegalStateException when it was not written by {@link #plain} or {@link #session}
     */
    static SessionEnvelope decode(long index, Bytes data) {
        if (data.isEmpty()) throw new IllegalStateException("command entry " + index + " has no envelope tag");
        byte[] raw = data.toByteArray();
        if (raw[0] == PLAIN) return new Plain(Bytes.wrap(raw, 1, raw.length - 1));
        if (raw[0] != SESSION) throw new IllegalStateException("command entry " + index + " has unknown tag " + raw[0]);
        int idBytes = raw.length < 3 ? -1 : ((raw[1] & 0xFF) << 8) | (raw[2] & 0xFF);
        int p = 3 + idBytes;
        if (idBytes < 0 || p + 3 * Long.BYTES > raw.length) {
            throw new IllegalStateException("command entry " + index + " has a truncated session envelope");
        }
        String clientId = clientId(index, raw, idBytes);
        long sequence = (long) LONGS.get(raw, p);
        long lowestOutstanding = (long) LONGS.get(raw, p + 8);
        long millis = (long) LONGS.get(raw, p + 16);
        int offset = p + 24;
        return new Session(clientId, sequence, lowestOutstanding, millis, Bytes.wrap(raw, offset, raw.length - offset));
    }

    /** Big-endian longs, as {@link java.io.DataOutput#writeLong} writes them. */
    VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static int modifiedUtf8Length(String text) {
        int length = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            length += c >= 0x0001 && c <= 0x007F ? 1 : c > 0x07FF ? 3 : 2;
        }
        return length;
    }

    /** The client id at {@code raw[3, 3 + idBytes)}: ASCII at once, anything else as {@link DataInputStream#readUTF} reads it. */
    private static String clientId(long index, byte[] raw, int idBytes) {
        boolean ascii = true;
        for (int i = 3; i < 3 + idBytes && ascii; i++) ascii = raw[i] > 0;
        if (ascii) return new String(raw, 3, idBytes, StandardCharsets.ISO_8859_1);
        try {
            return new DataInputStream(new ByteArrayInputStream(raw, 1, 2 + idBytes)).readUTF();
        } catch (IOException e) {
            throw new IllegalStateException("command entry " + index + " has a malformed client id in its session envelope", e);
        }
    }
}
