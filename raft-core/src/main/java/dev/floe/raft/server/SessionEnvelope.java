package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

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

    static Bytes session(String clientId, long sequence, long lowestOutstanding, long leaderMillis, Bytes command) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(command.size() + clientId.length() + 32);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(SESSION);
            out.writeUTF(clientId);
            out.writeLong(sequence);
            out.writeLong(lowestOutstanding);
            out.writeLong(leaderMillis);
            command.writeTo(out);
            out.flush();
            return Bytes.wrap(bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        try {
            ByteArrayInputStream bytes = new ByteArrayInputStream(raw, 1, raw.length - 1);
            DataInputStream in = new DataInputStream(bytes);
            String clientId = in.readUTF();
            long sequence = in.readLong();
            long lowestOutstanding = in.readLong();
            long millis = in.readLong();
            int offset = raw.length - bytes.available();
            return new Session(clientId, sequence, lowestOutstanding, millis, Bytes.wrap(raw, offset, raw.length - offset));
        } catch (IOException e) {
            throw new IllegalStateException("command entry " + index + " has a truncated session envelope", e);
        }
    }
}
